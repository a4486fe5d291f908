package studio.causvid.engine.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.pack.ModelPack;
import studio.causvid.engine.pack.PackException;

/**
 * A pack's graphs loaded once into ONNX Runtime sessions, with one typed method per graph. This is
 * the only class that knows tensor names; everything else deals in float arrays laid out as
 * docs/model-pack.md says.
 */
public final class PackGraphs implements AutoCloseable {
  private final ModelPack pack;
  private final Manifest m;
  private final OrtEnvironment env;
  private final ProviderChoice provider;
  private final Map<String, OrtSession> sessions = new HashMap<>();

  /** Output of one student pass: velocity {@code (1,F,C,h,w)} and {@code block_kv}. */
  public record StepOutput(float[] v, float[] blockKv) {}

  private PackGraphs(ModelPack pack, OrtEnvironment env, ProviderChoice provider) {
    this.pack = pack;
    this.m = pack.manifest();
    this.env = env;
    this.provider = provider;
  }

  /** Loads every graph of the pack on the device the options ask for (CPU fallback). */
  public static PackGraphs load(ModelPack pack, RuntimeOptions options) throws PackException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ProviderChoice provider = chooseProvider(options);
    PackGraphs graphs = new PackGraphs(pack, env, provider);
    try {
      for (String name :
          List.of("text_encoder", "frame_encoder", "frame_decoder", "student_step")) {
        graphs.open(name, options);
      }
      if (pack.hasTeacher()) {
        graphs.open("teacher", options);
      }
    } catch (PackException e) {
      graphs.close();
      throw e;
    }
    return graphs;
  }

  private static ProviderChoice chooseProvider(RuntimeOptions options) throws PackException {
    if (options.device() == Device.CPU) {
      return new ProviderChoice("CPU", "requested");
    }
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      String why = "this build of ONNX Runtime has no CUDA provider (build with the gpu profile)";
      if (options.device() == Device.CUDA) {
        throw new PackException("CUDA was requested but " + why + ".");
      }
      return new ProviderChoice("CPU", why);
    }
    try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
      probe.addCUDA(0);
      return new ProviderChoice("CUDA", "CUDA device 0 is usable");
    } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
      String why = "CUDA provider failed to start: " + e.getMessage();
      if (options.device() == Device.CUDA) {
        throw new PackException("CUDA was requested but the " + why);
      }
      return new ProviderChoice("CPU", why);
    }
  }

  private void open(String graph, RuntimeOptions options) throws PackException {
    Path file = pack.graphFile(graph).orElseThrow();
    try {
      OrtSession.SessionOptions so = new OrtSession.SessionOptions();
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (provider.isCuda()) {
        so.addCUDA(0);
      }
      sessions.put(graph, env.createSession(file.toString(), so));
    } catch (OrtException e) {
      throw new PackException(
          "Cannot load graph " + graph + " from " + file + ": " + e.getMessage(), e);
    }
  }

  public ProviderChoice provider() {
    return provider;
  }

  public ModelPack pack() {
    return pack;
  }

  /** {@code tokens (1,L)} → per-token embedding {@code (1,L,D)}. */
  public float[] encodeText(long[] tokens) {
    try (var in = longTensor(tokens, 1, tokens.length)) {
      return run("text_encoder", Map.of("tokens", in), "text");
    }
  }

  /** {@code count} RGB frames in [0,1], NCHW → normalised latents {@code (count,C,h,w)}. */
  public float[] encodeFrames(float[] rgb, int count) {
    try (var in = floatTensor(rgb, count, 3, m.video().height(), m.video().width())) {
      return run("frame_encoder", Map.of("frames", in), "latent");
    }
  }

  /** {@code count} latents → RGB frames in [0,1] {@code (count,3,H,W)}. */
  public float[] decodeFrames(float[] latents, int count) {
    Manifest.Latent l = m.latent();
    try (var in = floatTensor(latents, count, l.channels(), l.height(), l.width())) {
      return run("frame_decoder", Map.of("latent", in), "frames");
    }
  }

  /** The KV cache as input tensors, built once per block and reused by its passes. */
  public final class CacheInput implements AutoCloseable {
    private final Tensor kv;
    private final Tensor pos;
    private final Tensor mask;

    private CacheInput(float[] kv, float[] pos, float[] mask) {
      Manifest.Model md = m.model();
      int k = pos.length;
      this.kv = floatTensor(kv, md.layers(), 2, 1, md.heads(), k, md.headDim());
      this.pos = floatTensor(pos, k);
      this.mask = floatTensor(mask, k);
    }

    @Override
    public void close() {
      kv.close();
      pos.close();
      mask.close();
    }
  }

  public CacheInput cacheInput(float[] kv, float[] pos, float[] mask) {
    return new CacheInput(kv, pos, mask);
  }

  /** One pass of {@code student_step} over a block. */
  public StepOutput studentStep(
      float[] x, float[] t, float[] framePos, float[] text, float[] textMask, CacheInput cache) {
    Manifest.Latent l = m.latent();
    int f = m.framesPerBlock();
    int maxTokens = m.text().maxTokens();
    try (var xs = floatTensor(x, 1, f, l.channels(), l.height(), l.width());
        var ts = floatTensor(t, 1, f);
        var pos = floatTensor(framePos, f);
        var te = floatTensor(text, 1, maxTokens, m.model().textDim());
        var tm = floatTensor(textMask, 1, maxTokens)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("x", xs.value);
      inputs.put("t", ts.value);
      inputs.put("frame_pos", pos.value);
      inputs.put("text", te.value);
      inputs.put("text_mask", tm.value);
      inputs.put("kv_cache", cache.kv.value);
      inputs.put("cache_pos", cache.pos.value);
      inputs.put("cache_mask", cache.mask.value);
      float[][] out = runRaw("student_step", inputs, "v", "block_kv");
      return new StepOutput(out[0], out[1]);
    }
  }

  /**
   * One pass of the bidirectional teacher over {@code batch} clips of {@code clip_frames} frames
   * with one prompt per block.
   */
  public float[] teacher(float[] x, float[] t, float[] text, float[] textMask, int batch) {
    Manifest.Latent l = m.latent();
    int n = m.teacher().clipFrames();
    int blocks = n / m.framesPerBlock();
    int maxTokens = m.text().maxTokens();
    try (var xs = floatTensor(x, batch, n, l.channels(), l.height(), l.width());
        var ts = floatTensor(t, batch, n);
        var te = floatTensor(text, batch, blocks, maxTokens, m.model().textDim());
        var tm = floatTensor(textMask, batch, blocks, maxTokens)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("x", xs.value);
      inputs.put("t", ts.value);
      inputs.put("text", te.value);
      inputs.put("text_mask", tm.value);
      return runRaw("teacher", inputs, "v")[0];
    }
  }

  private float[] run(String graph, Map<String, Tensor> inputs, String output) {
    Map<String, OnnxTensor> raw = new HashMap<>();
    inputs.forEach((k, v) -> raw.put(k, v.value));
    return runRaw(graph, raw, output)[0];
  }

  private float[][] runRaw(String graph, Map<String, OnnxTensor> inputs, String... outputs) {
    OrtSession session = sessions.get(graph);
    if (session == null) {
      throw new IllegalStateException("Pack " + pack + " has no " + graph + " graph");
    }
    try (OrtSession.Result result = session.run(inputs)) {
      float[][] out = new float[outputs.length][];
      for (int i = 0; i < outputs.length; i++) {
        OnnxTensor tensor = (OnnxTensor) result.get(outputs[i]).orElseThrow();
        FloatBuffer fb = tensor.getFloatBuffer();
        out[i] = new float[fb.remaining()];
        fb.get(out[i]);
      }
      return out;
    } catch (OrtException e) {
      throw new InferenceException("Graph " + graph + " failed: " + e.getMessage(), e);
    }
  }

  /** An ONNX tensor that closes without a checked exception. */
  private static final class Tensor implements AutoCloseable {
    final OnnxTensor value;

    Tensor(OnnxTensor value) {
      this.value = value;
    }

    @Override
    public void close() {
      value.close();
    }
  }

  private Tensor floatTensor(float[] data, long... shape) {
    try {
      return new Tensor(OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
    } catch (OrtException e) {
      throw new InferenceException(
          "Cannot build a tensor of shape " + java.util.Arrays.toString(shape), e);
    }
  }

  private Tensor longTensor(long[] data, long... shape) {
    try {
      return new Tensor(OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
    } catch (OrtException e) {
      throw new InferenceException(
          "Cannot build a tensor of shape " + java.util.Arrays.toString(shape), e);
    }
  }

  @Override
  public void close() {
    for (OrtSession s : sessions.values()) {
      try {
        s.close();
      } catch (OrtException e) {
        // Closing is best effort; the process keeps running.
      }
    }
    sessions.clear();
  }
}
