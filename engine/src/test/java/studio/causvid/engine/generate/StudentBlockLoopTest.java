package studio.causvid.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.causvid.engine.ToyPack;
import studio.causvid.engine.pack.ModelPack;
import studio.causvid.engine.runtime.Device;
import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.runtime.RuntimeOptions;
import studio.causvid.engine.text.Tokenizer;

/** The block loop itself, driven synchronously with a scripted {@link RunControl}. */
class StudentBlockLoopTest {
  private static PackGraphs graphs;
  private static PromptEncoder prompts;

  @BeforeAll
  static void load() throws Exception {
    ModelPack pack = ModelPack.open(ToyPack.dir());
    graphs = PackGraphs.load(pack, new RuntimeOptions(Device.CPU, 1));
    prompts = new PromptEncoder(new Tokenizer(pack.manifest().text()), graphs);
  }

  @AfterAll
  static void close() {
    graphs.close();
  }

  /** Runs without pauses; {@code live[i]} (if not null) is submitted at the i-th block start. */
  private static List<GenerationEvent> run(GenerationRequest request, String... live)
      throws Exception {
    return run(graphs, prompts, request, live);
  }

  private static List<GenerationEvent> run(
      PackGraphs graphs, PromptEncoder prompts, GenerationRequest request, String... live)
      throws Exception {
    List<GenerationEvent> events = new ArrayList<>();
    int[] blockStarts = {0};
    RunControl control =
        new RunControl() {
          @Override
          public void checkpoint() {}

          @Override
          public String takeSubmittedPrompt() {
            int i = blockStarts[0]++;
            return i < live.length ? live[i] : null;
          }
        };
    new StudentBlockLoop(graphs, prompts).run(request, control, events::add);
    return events;
  }

  private static List<Frame> frames(List<GenerationEvent> events) {
    return events.stream()
        .filter(e -> e instanceof GenerationEvent.FrameReady)
        .map(e -> ((GenerationEvent.FrameReady) e).frame())
        .toList();
  }

  private static GenerationRequest goldenRequest() {
    JsonNode s = ToyPack.golden().get("student");
    JsonNode p = s.get("prompts");
    PromptTimeline timeline =
        PromptTimeline.of(p.get(0).asText())
            .with(s.get("switch_seconds").asDouble(), p.get(3).asText());
    return GenerationRequest.of(timeline, s.get("seed").asLong(), p.size());
  }

  @Test
  void eachBlockWaitsForTheBlockBeforeItToBeDueOnScreen() throws Exception {
    List<Long> asked = new ArrayList<>();
    RunControl control =
        new RunControl() {
          @Override
          public void checkpoint() {}

          @Override
          public void awaitPlayback(long frameIndex) {
            asked.add(frameIndex);
          }

          @Override
          public String takeSubmittedPrompt() {
            return null;
          }
        };
    int f = graphs.pack().manifest().framesPerBlock();
    List<GenerationEvent> events = new ArrayList<>();
    new StudentBlockLoop(graphs, prompts).run(goldenRequest(), control, events::add);
    int blocks = goldenRequest().blocks();
    // Block b starts once frame (b - 1) * f, the first of the block before it, is due: one block
    // of lead, so a block is made while the one before it plays.
    assertEquals(IntStream.range(0, blocks).mapToObj(b -> (long) (b - 1) * f).toList(), asked);
    assertEquals(blocks * f, frames(events).size());
  }

  @Test
  void streamedFramesEqualTheReferenceSampler() throws Exception {
    JsonNode golden = ToyPack.golden().get("student").get("frames");
    List<Frame> frames = frames(run(goldenRequest()));
    int worst = worstPixelDifference(frames, golden);
    assertTrue(worst <= 1, "max pixel difference from the NumPy reference: " + worst);
  }

  @Test
  void aPackWithSwitchGuidanceStepsTheSwitchedBlockAwayFromTheOldPrompt(@TempDir Path tmp)
      throws Exception {
    JsonNode golden = ToyPack.golden().get("student_guided");
    Path dir = ToyPack.copyTo(tmp.resolve("guided"));
    ToyPack.addSwitchGuidance(dir, golden.get("switch_guidance").toString());
    ModelPack pack = ModelPack.open(dir);
    assertTrue(pack.manifest().student().guidesSwitches());
    try (PackGraphs guided = PackGraphs.load(pack, new RuntimeOptions(Device.CPU, 1))) {
      PromptEncoder guidedPrompts =
          new PromptEncoder(new Tokenizer(pack.manifest().text()), guided);
      List<Frame> frames = frames(run(guided, guidedPrompts, goldenRequest()));
      int worst = worstPixelDifference(frames, golden.get("frames"));
      assertTrue(worst <= 1, "max pixel difference from the NumPy reference: " + worst);
      // Before the switch (block 3) nothing changes; the switched block does.
      List<Frame> plain = frames(run(goldenRequest()));
      assertArrayEquals(plain.get(5).latent(), frames.get(5).latent(), 0f);
      assertNotEquals(plain.get(6).latent()[0], frames.get(6).latent()[0]);
      // Regenerating from the switched block replays the switch from the context's prompt.
      List<float[]> before = frames.subList(0, 6).stream().map(Frame::latent).toList();
      GenerationRequest again =
          new GenerationRequest(
              goldenRequest().prompts(), 11, 2, new StartFrom.Context(before), null);
      List<Frame> regenerated = frames(run(guided, guidedPrompts, again));
      assertArrayEquals(frames.get(6).latent(), regenerated.get(0).latent(), 1e-6f);
    }
  }

  @Test
  void aSwitchOfUnguidedPhrasesOnlyStreamsThePlainFrames(@TempDir Path tmp) throws Exception {
    JsonNode g = ToyPack.golden().get("student_guided").get("switch_guidance");
    Path dir = ToyPack.copyTo(tmp.resolve("unguided"));
    // The golden switch ("a red cat runs" -> "a blue dog sleeps in the snow") struck down to "a".
    ToyPack.addSwitchGuidance(
        dir,
        "{\"scale\": "
            + g.get("scale")
            + ", \"steps\": "
            + g.get("steps")
            + ", \"unguided_phrases\": [\"red cat runs\", \"blue dog sleeps in the snow\"]}");
    ModelPack pack = ModelPack.open(dir);
    assertTrue(pack.manifest().student().guidesSwitches());
    try (PackGraphs graphs = PackGraphs.load(pack, new RuntimeOptions(Device.CPU, 1))) {
      PromptEncoder prompts = new PromptEncoder(new Tokenizer(pack.manifest().text()), graphs);
      List<Frame> frames = frames(run(graphs, prompts, goldenRequest()));
      List<Frame> plain = frames(run(goldenRequest()));
      assertEquals(plain.size(), frames.size());
      for (int i = 0; i < plain.size(); i++) {
        assertArrayEquals(plain.get(i).latent(), frames.get(i).latent(), 0f, "frame " + i);
      }
    }
  }

  /** The largest 8-bit channel difference between streamed frames and golden RGB in [0, 1]. */
  private static int worstPixelDifference(List<Frame> frames, JsonNode golden) {
    assertEquals(golden.size(), frames.size());
    int worst = 0;
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      int plane = f.width() * f.height();
      JsonNode expected = golden.get(i);
      for (int p = 0; p < plane; p++) {
        int px = f.argb()[p];
        int[] rgb = {(px >> 16) & 0xFF, (px >> 8) & 0xFF, px & 0xFF};
        for (int c = 0; c < 3; c++) {
          int want = Math.round((float) expected.get(c * plane + p).asDouble() * 255f);
          worst = Math.max(worst, Math.abs(want - rgb[c]));
        }
      }
    }
    return worst;
  }

  @Test
  void framesCarryBlockIndexTimeAndPrompt() throws Exception {
    List<Frame> frames = frames(run(goldenRequest()));
    Frame f = frames.get(7);
    assertEquals(3, f.block());
    assertEquals(7, f.index());
    assertEquals(7 / 8.0, f.time(), 1e-12);
    assertEquals("a blue dog sleeps in the snow", f.prompt());
    assertEquals("a red cat runs", frames.get(5).prompt());
    assertEquals(64, f.latent().length);
  }

  @Test
  void deterministicForSamePackSeedAndSchedule() throws Exception {
    List<Frame> a = frames(run(goldenRequest()));
    List<Frame> b = frames(run(goldenRequest()));
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).argb(), b.get(i).argb());
      assertArrayEquals(a.get(i).latent(), b.get(i).latent());
    }
    List<Frame> c = frames(run(goldenRequest().withSeed(12)));
    assertFalse(java.util.Arrays.equals(a.get(0).latent(), c.get(0).latent()));
  }

  @Test
  void livePromptLandsExactlyAtTheNextBlockLikeAScheduledSwitch() throws Exception {
    GenerationRequest plain = GenerationRequest.of(PromptTimeline.of("a red cat"), 5, 5);
    // Submitted while block 1 runs, i.e. picked up at the start of block 2.
    List<GenerationEvent> live = run(plain, null, null, "a blue dog");
    List<GenerationEvent.PromptApplied> applied =
        live.stream()
            .filter(e -> e instanceof GenerationEvent.PromptApplied)
            .map(e -> (GenerationEvent.PromptApplied) e)
            .toList();
    assertEquals(2, applied.size());
    assertEquals(0, applied.get(0).block());
    assertEquals(2, applied.get(1).block());
    assertEquals("a blue dog", applied.get(1).prompt());
    List<Frame> liveFrames = frames(live);
    assertEquals("a red cat", liveFrames.get(3).prompt());
    assertEquals("a blue dog", liveFrames.get(4).prompt());

    // Same as scheduling the switch at block 2's start time (2 blocks x 2 frames / 8 fps).
    List<Frame> scheduled =
        frames(
            run(
                GenerationRequest.of(
                    PromptTimeline.of("a red cat").with(0.5, "a blue dog"), 5, 5)));
    for (int i = 0; i < scheduled.size(); i++) {
      assertArrayEquals(scheduled.get(i).latent(), liveFrames.get(i).latent(), 0f, "frame " + i);
    }
    // And the switch changed what followed.
    List<Frame> unswitched = frames(run(plain));
    assertArrayEquals(unswitched.get(3).latent(), liveFrames.get(3).latent(), 0f);
    assertNotEquals(unswitched.get(4).latent()[0], liveFrames.get(4).latent()[0]);
  }

  @Test
  void unknownWordsAreReported() throws Exception {
    List<GenerationEvent> events =
        run(GenerationRequest.of(PromptTimeline.of("a purple cat"), 1, 1));
    var applied = (GenerationEvent.PromptApplied) events.get(0);
    assertEquals(List.of("purple"), applied.unknownWords());
  }

  @Test
  void regenerateFromBlockKReproducesTheRestWithTheSameSeed() throws Exception {
    List<Frame> original = frames(run(goldenRequest()));
    // Latents of the frames before block 4 (8 frames), which include the prompt switch at 3.
    List<float[]> before = original.subList(0, 8).stream().map(Frame::latent).toList();
    GenerationRequest again =
        new GenerationRequest(
            goldenRequest().prompts(), 11, 1, new StartFrom.Context(before), null);
    List<GenerationEvent> events = run(again);
    List<Frame> regenerated = frames(events);
    assertEquals(2, regenerated.size());
    assertEquals(4, regenerated.get(0).block());
    assertEquals(8, regenerated.get(0).index());
    assertArrayEquals(original.get(8).latent(), regenerated.get(0).latent(), 1e-6f);
    assertArrayEquals(original.get(9).argb(), regenerated.get(1).argb());
    // A new seed gives a different continuation.
    List<Frame> other = frames(run(again.withSeed(99)));
    assertNotEquals(original.get(8).latent()[0], other.get(0).latent()[0]);
  }

  @Test
  void photoLatentIsHeldAsFrameZero() throws Exception {
    float[] photo = new float[64];
    for (int i = 0; i < photo.length; i++) {
      photo[i] = (float) Math.sin(i);
    }
    GenerationRequest request =
        GenerationRequest.of(PromptTimeline.of("a cat"), 3, 2)
            .withStart(new StartFrom.Photo(photo));
    List<Frame> frames = frames(run(request));
    assertArrayEquals(photo, frames.get(0).latent(), 0f);
    assertFalse(java.util.Arrays.equals(photo, frames.get(1).latent()));
  }
}
