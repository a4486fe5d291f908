package studio.causvid.engine.pack;

import java.util.List;
import java.util.Map;

/**
 * The tensors each graph must have according to docs/model-pack.md, with shapes filled in from the
 * manifest's numbers.
 */
final class GraphContract {
  static final String TEXT_ENCODER = "text_encoder";
  static final String FRAME_ENCODER = "frame_encoder";
  static final String FRAME_DECODER = "frame_decoder";
  static final String STUDENT_STEP = "student_step";
  static final String TEACHER = "teacher";

  static final List<String> REQUIRED =
      List.of(TEXT_ENCODER, FRAME_ENCODER, FRAME_DECODER, STUDENT_STEP);

  /** Expected inputs and outputs of one graph. */
  record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {}

  private GraphContract() {}

  static Map<String, Signature> expected(Manifest m) {
    long l = m.text().maxTokens();
    long d = m.model().textDim();
    long c = m.latent().channels();
    long h = m.latent().height();
    long w = m.latent().width();
    long bigH = m.video().height();
    long bigW = m.video().width();
    long f = m.framesPerBlock();
    long t = m.latent().tokensPerFrame();
    long k = (long) m.student().contextFrames() * t;
    long nl = m.model().layers();
    long nh = m.model().heads();
    long hd = m.model().headDim();
    // Checked in this order, so the first problem reported is the same on every run.
    var graphs = new java.util.LinkedHashMap<String, Signature>();
    graphs.put(
        TEXT_ENCODER,
        new Signature(
            List.of(spec("tokens", "int64", 1, l)), List.of(spec("text", "float32", 1, l, d))));
    graphs.put(
        FRAME_ENCODER,
        new Signature(
            List.of(spec("frames", "float32", -1, 3, bigH, bigW)),
            List.of(spec("latent", "float32", -1, c, h, w))));
    graphs.put(
        FRAME_DECODER,
        new Signature(
            List.of(spec("latent", "float32", -1, c, h, w)),
            List.of(spec("frames", "float32", -1, 3, bigH, bigW))));
    graphs.put(
        STUDENT_STEP,
        new Signature(
            List.of(
                spec("x", "float32", 1, f, c, h, w),
                spec("t", "float32", 1, f),
                spec("frame_pos", "float32", f),
                spec("text", "float32", 1, l, d),
                spec("text_mask", "float32", 1, l),
                spec("kv_cache", "float32", nl, 2, 1, nh, k, hd),
                spec("cache_pos", "float32", k),
                spec("cache_mask", "float32", k)),
            List.of(
                spec("v", "float32", 1, f, c, h, w),
                spec("block_kv", "float32", nl, 2, 1, nh, f * t, hd))));
    if (m.teacher() != null) {
      long n = m.teacher().clipFrames();
      graphs.put(
          TEACHER,
          new Signature(
              List.of(
                  spec("x", "float32", -1, n, c, h, w),
                  spec("t", "float32", -1, n),
                  spec("text", "float32", -1, n / f, l, d),
                  spec("text_mask", "float32", -1, n / f, l)),
              List.of(spec("v", "float32", -1, n, c, h, w))));
    }
    return graphs;
  }

  private static TensorSpec spec(String name, String dtype, long... dims) {
    return new TensorSpec(name, dtype, java.util.Arrays.stream(dims).boxed().toList());
  }
}
