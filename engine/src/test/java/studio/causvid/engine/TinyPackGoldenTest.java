package studio.causvid.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import studio.causvid.engine.generate.Frame;
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
  private static Goldens gold;
  private static JsonNode index;
  private static StudioEngine engine;

  @BeforeAll
  static void open() throws Exception {
    gold = Goldens.load("/tiny-pack-golden");
    index = gold.index();
    engine = StudioEngine.open(Goldens.pack("/tiny-pack"), new RuntimeOptions(Device.CPU, 2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void everyGraphMatchesItsTorchModule() throws Exception {
    try (PackGraphs graphs =
        PackGraphs.load(
            ModelPack.open(Goldens.pack("/tiny-pack")), new RuntimeOptions(Device.CPU, 2))) {
      Goldens.assertClose(
          gold.out("text_encoder", "text"),
          graphs.encodeText(gold.inLongs("text_encoder", "tokens")),
          1e-4f,
          "text_encoder");
      Goldens.assertClose(
          gold.out("frame_encoder", "latent"),
          graphs.encodeFrames(gold.in("frame_encoder", "frames"), 2),
          1e-4f,
          "frame_encoder");
      Goldens.assertClose(
          gold.out("frame_decoder", "frames"),
          graphs.decodeFrames(gold.in("frame_decoder", "latent"), 2),
          1e-4f,
          "frame_decoder");
      gold.assertDiffusionGraphsMatch(graphs);
    }
  }

  @Test
  void noiseEqualsThePythonFileBitForBit() throws Exception {
    JsonNode n = index.get("noise");
    float[] expected = gold.f32(n.get("file").asText());
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

  /** Compares streamed frames to the reference's latents and 8-bit frames. */
  private static void assertMatchesReference(List<Frame> frames, JsonNode golden) throws Exception {
    gold.assertLatentsMatch(frames, golden);
    byte[] u8 = Files.readAllBytes(gold.dir().resolve(golden.get("frames_u8").asText()));
    int plane = frames.get(0).width() * frames.get(0).height();
    int worstPixel = 0;
    for (int i = 0; i < frames.size(); i++) {
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
    List<Frame> frames = Goldens.generate(engine, gold.streamRequest(engine.manifest()));
    assertMatchesReference(frames, index.get("stream"));
  }

  @Test
  void imageToVideoMatchesTheReferenceSampler() throws Exception {
    JsonNode g = index.get("i2v");
    float[] latents = gold.f32(g.get("latents").asText());
    int size = engine.manifest().latent().frameSize();
    float[] reference0 = new float[size];
    System.arraycopy(latents, 0, reference0, 0, size);
    // Our photo fit (center crop + area-average resize) against PIL's: close, not identical.
    float[] ours = engine.encodePhoto(gold.dir().resolve(g.get("photo").asText()));
    double mean = 0;
    for (int i = 0; i < size; i++) {
      mean += Math.abs(ours[i] - reference0[i]);
    }
    assertTrue(mean / size < 0.05, "photo latent differs by " + mean / size + " on average");
    // With the reference's photo latent the clip must match the reference exactly.
    List<Frame> frames =
        Goldens.generate(
            engine,
            GenerationRequest.of(
                    PromptTimeline.of(g.get("prompt").asText()),
                    g.get("seed").asLong(),
                    g.get("blocks").asInt())
                .withStart(new StartFrom.Photo(reference0)));
    assertMatchesReference(frames, g);
  }
}
