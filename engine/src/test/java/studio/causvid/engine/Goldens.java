package studio.causvid.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.PromptTimeline;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.runtime.PackGraphs;

/**
 * Golden data written by training/make_test_pack.py beside a tiny random-weight pack: raw
 * little-endian tensors named in an index.json, from the PyTorch modules and reference sampler.
 */
final class Goldens {
  private final Path dir;
  private final JsonNode index;

  private Goldens(Path dir, JsonNode index) {
    this.dir = dir;
    this.index = index;
  }

  /** The golden folder among the test resources, e.g. {@code "/tiny-pack-golden"}. */
  static Goldens load(String resourceDir) throws IOException, URISyntaxException {
    Path dir = resource(resourceDir + "/index.json").getParent();
    return new Goldens(dir, new ObjectMapper().readTree(dir.resolve("index.json").toFile()));
  }

  /** The pack folder among the test resources, e.g. {@code "/tiny-pack"}. */
  static Path pack(String resourceDir) throws URISyntaxException {
    return resource(resourceDir + "/manifest.json").getParent();
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(Goldens.class.getResource(name).toURI());
  }

  Path dir() {
    return dir;
  }

  JsonNode index() {
    return index;
  }

  private ByteBuffer bytes(String file) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(dir.resolve(file))).order(ByteOrder.LITTLE_ENDIAN);
  }

  float[] f32(String file) throws IOException {
    var fb = bytes(file).asFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }

  long[] i64(String file) throws IOException {
    var lb = bytes(file).asLongBuffer();
    long[] out = new long[lb.remaining()];
    lb.get(out);
    return out;
  }

  private String file(String graph, String side, String tensor) {
    return index.get("graphs").get(graph).get(side).get(tensor).get("file").asText();
  }

  float[] in(String graph, String tensor) throws IOException {
    return f32(file(graph, "inputs", tensor));
  }

  long[] inLongs(String graph, String tensor) throws IOException {
    return i64(file(graph, "inputs", tensor));
  }

  float[] out(String graph, String tensor) throws IOException {
    return f32(file(graph, "outputs", tensor));
  }

  static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= tolerance, what + ": max difference " + worst + " > " + tolerance);
  }

  /** The two diffusion graphs (student step with its cache, and the teacher) against torch. */
  void assertDiffusionGraphsMatch(PackGraphs graphs) throws IOException {
    try (var cache =
        graphs.cacheInput(
            in("student_step", "kv_cache"),
            in("student_step", "cache_pos"),
            in("student_step", "cache_mask"))) {
      var step =
          graphs.studentStep(
              in("student_step", "x"),
              in("student_step", "t"),
              in("student_step", "frame_pos"),
              in("student_step", "text"),
              in("student_step", "text_mask"),
              cache);
      assertClose(out("student_step", "v"), step.v(), 1e-4f, "student_step v");
      assertClose(out("student_step", "block_kv"), step.blockKv(), 1e-4f, "student_step block_kv");
    }
    float[] v =
        graphs.teacher(
            in("teacher", "x"),
            in("teacher", "t"),
            in("teacher", "text"),
            in("teacher", "text_mask"),
            2);
    assertClose(out("teacher", "v"), v, 1e-4f, "teacher");
  }

  /** The index's streamed clip (a prompt per block where it switches) as a request. */
  GenerationRequest streamRequest(Manifest m) {
    JsonNode s = index.get("stream");
    PromptTimeline timeline = PromptTimeline.of(s.get("schedule").get("0").asText());
    for (var it = s.get("schedule").fieldNames(); it.hasNext(); ) {
      String block = it.next();
      double seconds = Integer.parseInt(block) * m.framesPerBlock() / (double) m.video().fps();
      timeline = timeline.with(seconds, s.get("schedule").get(block).asText());
    }
    return GenerationRequest.of(timeline, s.get("seed").asLong(), s.get("blocks").asInt());
  }

  static List<Frame> generate(StudioEngine engine, GenerationRequest request) throws Exception {
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    var end =
        engine.start(request, Delivery.BLOCK, events::add).completion().get(120, TimeUnit.SECONDS);
    assertTrue(end instanceof GenerationEvent.Finished, end.toString());
    return events.stream()
        .filter(e -> e instanceof GenerationEvent.FrameReady)
        .map(e -> ((GenerationEvent.FrameReady) e).frame())
        .toList();
  }

  /** Streamed frames' latents against the reference sampler's ({@code golden.latents}). */
  void assertLatentsMatch(List<Frame> frames, JsonNode golden) throws IOException {
    float[] latents = f32(golden.get("latents").asText());
    int n = golden.get("shape").get(0).asInt();
    assertEquals(n, frames.size());
    int latentSize = latents.length / n;
    for (int i = 0; i < n; i++) {
      float[] expected = new float[latentSize];
      System.arraycopy(latents, i * latentSize, expected, 0, latentSize);
      assertClose(expected, frames.get(i).latent(), 2e-3f, "latent of frame " + i);
    }
  }
}
