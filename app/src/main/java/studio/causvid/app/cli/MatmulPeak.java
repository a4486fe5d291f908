package studio.causvid.app.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The matmul throughput ONNX Runtime reaches on this machine, measured with a one-node MatMul graph
 * built in memory (a hand-written protobuf: no extra library). This is the ceiling the student's
 * own matmuls could reach with the same runtime and threads, so "share of peak" compares like with
 * like, which a Java FMA loop would not.
 */
final class MatmulPeak {
  record Result(double gflops, String method) {}

  private MatmulPeak() {}

  static Result measure(int threads) throws Exception {
    int n = 1024;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (threads > 0) {
        options.setIntraOpNumThreads(threads);
      }
      try (OrtSession session = env.createSession(matmulModel(n), options)) {
        float[] a = new float[n * n];
        for (int i = 0; i < a.length; i++) {
          a[i] = (i % 7) * 0.01f;
        }
        try (OnnxTensor ta = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {n, n});
            OnnxTensor tb = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {n, n})) {
          long best = Long.MAX_VALUE;
          for (int i = 0; i < 6; i++) {
            long t0 = System.nanoTime();
            try (var r = session.run(Map.of("A", ta, "B", tb))) {
              best = Math.min(best, System.nanoTime() - t0);
            }
          }
          double gflops = 2.0 * n * n * n / best;
          return new Result(gflops, "ONNX Runtime CPU MatMul " + n + "x" + n + " fp32, best of 6");
        }
      }
    }
  }

  /** ModelProto bytes for {@code C = MatMul(A, B)} with {@code A, B, C} of shape (n, n). */
  static byte[] matmulModel(int n) {
    byte[] node = concat(str(1, "A"), str(1, "B"), str(2, "C"), str(3, "matmul"), str(4, "MatMul"));
    byte[] graph =
        concat(
            msg(1, node),
            str(2, "peak"),
            msg(11, valueInfo("A", n)),
            msg(11, valueInfo("B", n)),
            msg(12, valueInfo("C", n)));
    byte[] opset = concat(str(1, ""), varintField(2, 17));
    return concat(varintField(1, 8), str(2, "causvid-bench"), msg(7, graph), msg(8, opset));
  }

  private static byte[] valueInfo(String name, int n) {
    byte[] dim = varintField(1, n);
    byte[] shape = concat(msg(1, dim), msg(1, dim));
    byte[] tensor = concat(varintField(1, 1), msg(2, shape)); // elem_type FLOAT
    return concat(str(1, name), msg(2, msg(1, tensor)));
  }

  private static byte[] varintField(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (long) field << 3);
    varint(out, value);
    return out.toByteArray();
  }

  private static byte[] str(int field, String s) {
    return msg(field, s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] msg(int field, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, ((long) field << 3) | 2);
    varint(out, body.length);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
