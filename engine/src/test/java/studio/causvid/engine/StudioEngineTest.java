package studio.causvid.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.GenerationSession;
import studio.causvid.engine.generate.PromptTimeline;
import studio.causvid.engine.generate.StartFrom;
import studio.causvid.engine.media.FrameWriter;
import studio.causvid.engine.media.RgbImage;
import studio.causvid.engine.runtime.Device;
import studio.causvid.engine.runtime.RuntimeOptions;
import studio.causvid.engine.runtime.ThreadPriority;

class StudioEngineTest {
  private static StudioEngine engine;
  @TempDir Path tmp;

  @BeforeAll
  static void open() throws Exception {
    engine = StudioEngine.open(ToyPack.dir(), new RuntimeOptions(Device.AUTO, 1));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static List<GenerationEvent> collect(GenerationRequest request) throws Exception {
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    GenerationSession s = engine.start(request, Delivery.BLOCK, events::add);
    s.completion().get(60, TimeUnit.SECONDS);
    return events;
  }

  private static List<Frame> frames(List<GenerationEvent> events) {
    return events.stream()
        .filter(e -> e instanceof GenerationEvent.FrameReady)
        .map(e -> ((GenerationEvent.FrameReady) e).frame())
        .toList();
  }

  @Test
  void aLowEngineNiceLowersOnlyTheEngineThread() throws Exception {
    Assumptions.assumeTrue(
        ThreadPriority.currentNice().isPresent(), "needs Linux's /proc/thread-self");
    int before = ThreadPriority.currentNice().getAsInt();
    try (StudioEngine nice =
        StudioEngine.open(ToyPack.dir(), new RuntimeOptions(Device.CPU, 1, 12))) {
      assertEquals(
          "engine thread runs at nice 12", nice.threadPriority().replaceAll(" \\d+ ", " "));
      assertEquals(12, nice.onEngineThread(() -> ThreadPriority.currentNice().getAsInt()));
      // It still generates.
      GenerationSession s =
          nice.start(
              GenerationRequest.of(PromptTimeline.of("a red ball"), 1, 3), Delivery.BLOCK, e -> {});
      s.completion().get(60, TimeUnit.SECONDS);
    }
    assertEquals(
        before, ThreadPriority.currentNice().getAsInt(), "the caller's thread is untouched");
    assertEquals(
        before, (int) engine.onEngineThread(() -> ThreadPriority.currentNice().getAsInt()));
  }

  @Test
  void reportsProviderOnCpuMachines() {
    assertEquals("CPU", engine.provider().provider());
    assertTrue(engine.provider().reason().contains("CUDA"), engine.provider().reason());
  }

  @Test
  void eventsArriveInOrderFromStartedToFinished() throws Exception {
    List<GenerationEvent> events =
        collect(GenerationRequest.of(PromptTimeline.of("a red cat"), 1, 3));
    assertInstanceOf(GenerationEvent.Started.class, events.get(0));
    assertInstanceOf(GenerationEvent.PromptApplied.class, events.get(1));
    var finished = assertInstanceOf(GenerationEvent.Finished.class, events.get(events.size() - 1));
    assertEquals(6, finished.frames());
    assertEquals(6, frames(events).size());
    for (int i = 0; i < 6; i++) {
      assertEquals(i, frames(events).get(i).index());
    }
  }

  @Test
  void cancelStopsWithinABlock() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    GenerationSession session =
        engine.newSession(GenerationRequest.of(PromptTimeline.of("a dog"), 1, 100_000));
    session.listen(
        e -> {
          events.add(e);
          if (e instanceof GenerationEvent.FrameReady) {
            first.countDown();
          }
        },
        Delivery.DROP_OLDEST_FRAMES,
        8);
    engine.start(session);
    assertTrue(first.await(30, TimeUnit.SECONDS));
    session.cancel();
    var end = session.completion().get(30, TimeUnit.SECONDS);
    var cancelled = assertInstanceOf(GenerationEvent.Cancelled.class, end);
    assertTrue(cancelled.frames() < 200_000);
    assertEquals(end, events.get(events.size() - 1));
  }

  @Test
  void pauseHoldsTheEngineAndResumeFinishes() throws Exception {
    GenerationSession session =
        engine.newSession(GenerationRequest.of(PromptTimeline.of("a dog"), 1, 2));
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    session.listen(events::add, Delivery.BLOCK, 4);
    session.pause();
    engine.start(session);
    Thread.sleep(200);
    assertTrue(session.isPaused());
    assertTrue(frames(events).isEmpty());
    session.submitPrompt("a blue cat");
    session.resume();
    session.completion().get(30, TimeUnit.SECONDS);
    assertEquals(4, frames(events).size());
    var applied = (GenerationEvent.PromptApplied) events.get(1);
    assertEquals("a blue cat", applied.prompt());
    assertEquals(0, applied.block());
  }

  @Test
  void aPacedSessionPlaysItsFramesAtTheFrameRate() throws Exception {
    double fps = 40;
    GenerationSession session =
        engine.newSession(GenerationRequest.of(PromptTimeline.of("a dog"), 1, 3));
    List<Long> delivered = new CopyOnWriteArrayList<>();
    session.listen(
        e -> {
          if (e instanceof GenerationEvent.FrameReady) {
            delivered.add(System.nanoTime());
          }
        },
        Delivery.BLOCK,
        64);
    long started = System.nanoTime();
    engine.start(session.paceToPlayback(fps));
    session.completion().get(60, TimeUnit.SECONDS);
    assertTrue(delivered.size() >= 6, "frames: " + delivered.size());
    // Frame i is due i / fps after frame 0 was made, which was after the start: however fast the
    // toy pack makes them (all of them in a few ms), none reaches the listener sooner.
    for (int i = 1; i < delivered.size(); i++) {
      long early = Math.round(i * 1e9 / fps) - (delivered.get(i) - started);
      assertTrue(early <= 0, "frame " + i + " came " + early / 1e6 + " ms early");
    }
  }

  /** 100 blocks paced at one frame a second (minutes of playback), past its first frame. */
  private static GenerationSession slowlyPacedPastItsFirstFrame(List<GenerationEvent> events)
      throws Exception {
    GenerationSession session =
        engine.newSession(GenerationRequest.of(PromptTimeline.of("a dog"), 1, 100));
    CountDownLatch first = new CountDownLatch(1);
    session.listen(
        e -> {
          events.add(e);
          if (e instanceof GenerationEvent.FrameReady) {
            first.countDown();
          }
        },
        Delivery.BLOCK,
        64);
    engine.start(session.paceToPlayback(1));
    assertTrue(first.await(30, TimeUnit.SECONDS));
    return session;
  }

  @Test
  void cancellingAPacedSessionDoesNotWaitForPlayback() throws Exception {
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    GenerationSession session = slowlyPacedPastItsFirstFrame(events);
    session.cancel();
    var end = session.completion().get(10, TimeUnit.SECONDS);
    assertInstanceOf(GenerationEvent.Cancelled.class, end);
    assertEquals(end, events.get(events.size() - 1));
    assertTrue(frames(events).size() < 100 * 2, "frames: " + frames(events).size());
  }

  @Test
  void pacingTurnedOffWhileRunningLetsTheRestGoAtOnce() throws Exception {
    // Unpaced, the toy pack makes the other 199 frames in well under the 30 s waited.
    List<GenerationEvent> events = new CopyOnWriteArrayList<>();
    GenerationSession session = slowlyPacedPastItsFirstFrame(events);
    session.paceToPlayback(0);
    var end = session.completion().get(30, TimeUnit.SECONDS);
    assertInstanceOf(GenerationEvent.Finished.class, end);
    assertEquals(200, frames(events).size());
  }

  @Test
  void slowListenerWithDropPolicyStaysBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<GenerationEvent> slow = new CopyOnWriteArrayList<>();
    List<GenerationEvent> fast = new CopyOnWriteArrayList<>();
    GenerationSession session =
        engine.newSession(GenerationRequest.of(PromptTimeline.of("snow"), 2, 40));
    session.listen(
        e -> {
          slow.add(e);
          try {
            release.await();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        },
        Delivery.DROP_OLDEST_FRAMES,
        4);
    session.listen(fast::add, Delivery.BLOCK, 4);
    engine.start(session);
    // The engine finishes although the slow listener is stuck.
    while (fast.isEmpty() || !fast.get(fast.size() - 1).isTerminal()) {
      Thread.sleep(10);
    }
    release.countDown();
    session.completion().get(30, TimeUnit.SECONDS);
    assertEquals(80, frames(fast).size());
    assertTrue(frames(slow).size() < 80, "slow listener dropped old frames");
    assertTrue(slow.get(slow.size() - 1).isTerminal(), "terminal event is never dropped");
  }

  @Test
  void imageToVideoStartsFromThePhoto() throws Exception {
    // A 40x24 photo: center-cropped to 24x24 then resized to 16x16.
    int[] px = new int[40 * 24];
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 40; x++) {
        px[y * 40 + x] = 0xFF000000 | (x * 6) << 16 | (y * 10) << 8 | 128;
      }
    }
    Path photo = tmp.resolve("photo.png");
    javax.imageio.ImageIO.write(image(new RgbImage(40, 24, px)), "png", photo.toFile());
    float[] latent = engine.encodePhoto(photo);
    assertEquals(64, latent.length);
    List<Frame> frames =
        frames(
            collect(
                GenerationRequest.of(PromptTimeline.of("a cat"), 4, 2)
                    .withStart(new StartFrom.Photo(latent))));
    assertArrayEquals(latent, frames.get(0).latent(), 0f);
    RgbImage decoded = engine.decode(List.of(latent)).get(0);
    assertArrayEquals(decoded.argb(), frames.get(0).argb());
  }

  @Test
  void extendsAVideoFromItsLastBlocks() throws Exception {
    Path video = tmp.resolve("clip.mp4");
    try (FrameWriter w = FrameWriter.open(video, 32, 32, 8)) {
      for (int i = 0; i < 11; i++) {
        int[] px = new int[32 * 32];
        java.util.Arrays.fill(px, 0xFF000000 | (i * 20) << 16 | 0x4080);
        w.write(new RgbImage(32, 32, px));
      }
      w.commit();
    }
    List<float[]> context = engine.encodeVideoTail(video);
    // 11 frames at the pack's 8 fps; the window holds 6 = 3 whole blocks.
    assertEquals(6, context.size());
    List<GenerationEvent> events =
        collect(
            GenerationRequest.of(PromptTimeline.of("a red cat"), 7, 2)
                .withStart(new StartFrom.Context(context)));
    var started = (GenerationEvent.Started) events.get(0);
    assertEquals(3, started.firstBlock());
    List<Frame> frames = frames(events);
    assertEquals(4, frames.size());
    assertEquals(6, frames.get(0).index());
    assertEquals(0.75, frames.get(0).time(), 1e-9);
  }

  @Test
  void teacherRendersTheSameScheduleDeterministically() throws Exception {
    GenerationRequest request =
        GenerationRequest.of(PromptTimeline.of("a red cat").with(0.5, "a dog"), 3, 4)
            .withSampler(GenerationRequest.Sampler.TEACHER);
    List<GenerationEvent> events = collect(request);
    List<Frame> a = frames(events);
    List<Frame> b = frames(collect(request));
    assertEquals(8, a.size());
    // The teacher reports every step, rising to 1 by the last frame.
    double[] progress =
        events.stream()
            .filter(e -> e instanceof GenerationEvent.Progress)
            .mapToDouble(e -> ((GenerationEvent.Progress) e).fraction())
            .toArray();
    assertTrue(progress.length > 2, "steps reported: " + progress.length);
    for (int i = 1; i < progress.length; i++) {
      assertTrue(progress[i] > progress[i - 1], "rises: " + java.util.Arrays.toString(progress));
    }
    assertEquals(1.0, progress[progress.length - 1], 1e-9);
    for (int i = 0; i < 8; i++) {
      assertEquals(i, a.get(i).index());
      assertArrayEquals(a.get(i).argb(), b.get(i).argb());
    }
    assertEquals("a red cat", a.get(3).prompt());
    assertEquals("a dog", a.get(4).prompt());
    // Later windows keep the last half of the previous one clean: frames 2,3 are conditioning
    // in window [2,6), so their latents are unchanged from window [0,4).
    List<Frame> student = frames(collect(request.withSampler(GenerationRequest.Sampler.STUDENT)));
    assertTrue(!java.util.Arrays.equals(student.get(0).latent(), a.get(0).latent()));
  }

  @Test
  void teacherHoldsThePhotoToo() throws Exception {
    float[] photo = new float[64];
    java.util.Arrays.fill(photo, 0.25f);
    List<Frame> frames =
        frames(
            collect(
                GenerationRequest.of(PromptTimeline.of("a cat"), 1, 2)
                    .withStart(new StartFrom.Photo(photo))
                    .withSampler(GenerationRequest.Sampler.TEACHER)));
    assertArrayEquals(photo, frames.get(0).latent(), 0f);
  }

  static java.awt.image.BufferedImage image(RgbImage img) {
    var bi =
        new java.awt.image.BufferedImage(
            img.width(), img.height(), java.awt.image.BufferedImage.TYPE_INT_RGB);
    bi.setRGB(0, 0, img.width(), img.height(), img.argb(), 0, img.width());
    return bi;
  }
}
