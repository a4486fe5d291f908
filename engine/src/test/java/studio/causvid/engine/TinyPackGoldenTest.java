package studio.causvid.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.NoiseSource;
import studio.causvid.engine.generate.PromptTimeline;
import studio.causvid.engine.generate.StartFrom;
import studio.causvid.engine.pack.ModelPack;
import studio.causvid.engine.runtime.Device;
import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.runtime.RuntimeOptions;
import studio.causvid.engine.text.TokenizedPrompt;

/**
 * The tiny random-weight pack exported by training/make_test_pack.py, against golden data saved
 * from the PyTorch reference sampler: each graph, the noise, the tokenizer, a streamed clip with a
 * prompt switch and a rolling window with sinks, and image-to-video.
 */
class TinyPackGoldenTest {
  private static Path pack;
  private static Path gold;
  private static JsonNode index;
  private static StudioEngine engine;

  @BeforeAll
  static void open() throws Exception {
    pack = resource("/tiny-pack/manifest.json").getParent();
    gold = resource("/tiny-pack-golden/index.json").getParent();
    index = new ObjectMapper().readTree(gold.resolve("index.json").toFile());
    engine = StudioEngine.open(pack, new RuntimeOptions(Device.CPU, 2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TinyPackGoldenTest.class.getResource(name).toURI());
  }

  private static ByteBuffer bytes(String file) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(gold.resolve(file))).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static float[] f32(String file) throws IOException {
    var fb = bytes(file).asFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }

  private static long[] i64(String file) throws IOException {
    var lb = bytes(file).asLongBuffer();
    long[] out = new long[lb.remaining()];
    lb.get(out);
    return out;
  }

  private static float[] in(String graph, String tensor) throws IOException {
    return f32(index.get("graphs").get(graph).get("inputs").get(tensor).get("file").asText());
  }

  private static float[] goldOut(String graph, String tensor) throws IOException {
    return f32(index.get("graphs").get(graph).get("outputs").get(tensor).get("file").asText());
  }

  private static void close(float[] expected, float[] actual, float tolerance, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= tolerance, what + ": max difference " + worst + " > " + tolerance);
  }

  @Test
  void everyGraphMatchesItsTorchModule() throws Exception {
    try (PackGraphs graphs =
        PackGraphs.load(ModelPack.open(pack), new RuntimeOptions(Device.CPU, 2))) {
      long[] tokens =
          i64(
              index
                  .get("graphs")
                  .get("text_encoder")
                  .get("inputs")
                  .get("tokens")
                  .get("file")
                  .asText());
      close(goldOut("text_encoder", "text"), graphs.encodeText(tokens), 1e-4f, "text_encoder");
      close(
          goldOut("frame_encoder", "latent"),
          graphs.encodeFrames(in("frame_encoder", "frames"), 2),
          1e-4f,
          "frame_encoder");
      close(
          goldOut("frame_decoder", "frames"),
          graphs.decodeFrames(in("frame_decoder", "latent"), 2),
          1e-4f,
          "frame_decoder");
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
        close(goldOut("student_step", "v"), step.v(), 1e-4f, "student_step v");
        close(goldOut("student_step", "block_kv"), step.blockKv(), 1e-4f, "student_step block_kv");
      }
      float[] v =
          graphs.teacher(
              in("teacher", "x"),
              in("teacher", "t"),
              in("teacher", "text"),
              in("teacher", "text_mask"),
              2);
      close(goldOut("teacher", "v"), v, 1e-4f, "teacher");
    }
  }

  @Test
  void noiseEqualsThePythonFileBitForBit() throws Exception {
    JsonNode n = index.get("noise");
    float[] expected = f32(n.get("file").asText());
    float[] got =
        NoiseSource.blockNoise(n.get("seed").asLong(), n.get("block").asLong(), expected.length);
    assertArrayEquals(expected, got);
  }

  @Test
  void tokenizerMatchesThePythonTokenizer() {
    for (JsonNode t : index.get("tokenizer")) {
      TokenizedPrompt p = engine.tokenize(t.get("prompt").asText());
      long[] ids = new long[t.get("ids").size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = t.get("ids").get(i).asLong();
      }
      assertArrayEquals(ids, p.ids(), t.get("prompt").asText());
      List<String> unknown = new ArrayList<>();
      t.get("unknown").forEach(u -> unknown.add(u.asText()));
      assertEquals(unknown, p.unknownWords());
    }
  }

  private static List<Frame> generate(GenerationRequest request) throws Exception {
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    var end =
        engine.start(request, Delivery.BLOCK, events::add).completion().get(120, TimeUnit.SECONDS);
    assertTrue(end instanceof GenerationEvent.Finished, end.toString());
    return events.stream()
        .filter(e -> e instanceof GenerationEvent.FrameReady)
        .map(e -> ((GenerationEvent.FrameReady) e).frame())
        .toList();
  }

  /** Compares streamed frames to the reference's latents and 8-bit frames. */
  private static void assertMatchesReference(List<Frame> frames, JsonNode golden) throws Exception {
    float[] latents = f32(golden.get("latents").asText());
    byte[] u8 = Files.readAllBytes(gold.resolve(golden.get("frames_u8").asText()));
    int n = golden.get("shape").get(0).asInt();
    assertEquals(n, frames.size());
    int latentSize = latents.length / n;
    int plane = frames.get(0).width() * frames.get(0).height();
    int worstPixel = 0;
    for (int i = 0; i < n; i++) {
      float[] expected = new float[latentSize];
      System.arraycopy(latents, i * latentSize, expected, 0, latentSize);
      close(expected, frames.get(i).latent(), 2e-3f, "latent of frame " + i);
      int[] argb = frames.get(i).argb();
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          int want = u8[(i * 3 + c) * plane + p] & 0xFF;
          int got = (argb[p] >> (16 - 8 * c)) & 0xFF;
          worstPixel = Math.max(worstPixel, Math.abs(want - got));
        }
      }
    }
    assertTrue(worstPixel <= 2, "max pixel difference " + worstPixel);
  }

  @Test
  void streamedClipWithPromptSwitchAndSinksMatchesTheReferenceSampler() throws Exception {
    JsonNode s = index.get("stream");
    var m = engine.manifest();
    PromptTimeline timeline = PromptTimeline.of(s.get("schedule").get("0").asText());
    for (var it = s.get("schedule").fieldNames(); it.hasNext(); ) {
      String block = it.next();
      double seconds = Integer.parseInt(block) * m.framesPerBlock() / (double) m.video().fps();
      timeline = timeline.with(seconds, s.get("schedule").get(block).asText());
    }
    List<Frame> frames =
        generate(GenerationRequest.of(timeline, s.get("seed").asLong(), s.get("blocks").asInt()));
    assertMatchesReference(frames, s);
  }

  @Test
  void imageToVideoMatchesTheReferenceSampler() throws Exception {
    JsonNode g = index.get("i2v");
    float[] latents = f32(g.get("latents").asText());
    int size = engine.manifest().latent().frameSize();
    float[] reference0 = new float[size];
    System.arraycopy(latents, 0, reference0, 0, size);
    // Our photo fit (center crop + area-average resize) against PIL's: close, not identical.
    float[] ours = engine.encodePhoto(gold.resolve(g.get("photo").asText()));
    double mean = 0;
    for (int i = 0; i < size; i++) {
      mean += Math.abs(ours[i] - reference0[i]);
    }
    assertTrue(mean / size < 0.05, "photo latent differs by " + mean / size + " on average");
    // With the reference's photo latent the clip must match the reference exactly.
    List<Frame> frames =
        generate(
            GenerationRequest.of(
                    PromptTimeline.of(g.get("prompt").asText()),
                    g.get("seed").asLong(),
                    g.get("blocks").asInt())
                .withStart(new StartFrom.Photo(reference0)));
    assertMatchesReference(frames, g);
  }
}
