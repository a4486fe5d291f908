package studio.causvid.engine.pack;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The inputs and outputs an ONNX file really has, read through ONNX Runtime. */
record OnnxSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {

  /** Reads the signature from an already open session. */
  static OnnxSignature of(OrtSession session) throws OrtException {
    return new OnnxSignature(specs(session.getInputInfo()), specs(session.getOutputInfo()));
  }

  /** Opens the file without optimisation (cheap) just to read its signature. */
  static OnnxSignature read(Path file) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(file.toString(), options)) {
        return of(session);
      }
    }
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      if (node.getInfo() instanceof TensorInfo tensor) {
        List<Long> shape = new ArrayList<>();
        for (long dim : tensor.getShape()) {
          shape.add(dim < 0 ? -1L : dim);
        }
        specs.add(new TensorSpec(node.getName(), dtype(tensor.type), shape));
      } else {
        specs.add(new TensorSpec(node.getName(), "non-tensor", List.of()));
      }
    }
    return specs;
  }

  private static String dtype(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case INT64 -> "int64";
      case INT32 -> "int32";
      case FLOAT16 -> "float16";
      case BOOL -> "bool";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
