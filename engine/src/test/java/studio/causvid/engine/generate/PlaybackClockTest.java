package studio.causvid.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PlaybackClockTest {
  private static final long MS = 1_000_000;

  /** A clock paced at {@code fps} whose frame 0 was just made. */
  private static PlaybackClock pacedFromFrame0(double fps) {
    PlaybackClock clock = new PlaybackClock();
    clock.pace(fps);
    clock.frameMade(0);
    return clock;
  }

  /** Nanoseconds {@code clock.awaitDue(index)} took on this thread. */
  private static long waited(PlaybackClock clock, int index) throws InterruptedException {
    long t = System.nanoTime();
    clock.awaitDue(index);
    return System.nanoTime() - t;
  }

  /** Nanoseconds {@code clock.awaitShowing(index)} took on this thread. */
  private static long waitedShowing(PlaybackClock clock, int index) throws InterruptedException {
    long t = System.nanoTime();
    clock.awaitShowing(index);
    return System.nanoTime() - t;
  }

  private static Thread awaiting(PlaybackClock clock, int index, CountDownLatch done) {
    Thread t =
        new Thread(
            () -> {
              try {
                clock.awaitDue(index);
                done.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void nothingWaitsUnpacedOrBeforeTheFirstFrame() throws Exception {
    PlaybackClock clock = new PlaybackClock();
    clock.frameMade(0);
    assertTrue(waited(clock, 1_000) < 500 * MS, "unpaced");
    PlaybackClock paced = new PlaybackClock();
    paced.pace(1);
    assertTrue(waited(paced, 1_000) < 500 * MS, "no frame made yet");
  }

  @Test
  void aFrameIsDueItsPlaceInTheStreamAfterTheFirstOne() throws Exception {
    PlaybackClock clock = new PlaybackClock();
    clock.pace(20);
    long made = System.nanoTime();
    clock.frameMade(8); // an extension: the stream's first frame is not frame 0
    clock.awaitDue(8);
    clock.awaitDue(10);
    // Frame 10 is two frames after the first one made: 100 ms at 20 fps, and never sooner.
    assertTrue(System.nanoTime() - made >= 99 * MS, "frame 10 came early");
    assertTrue(waited(clock, 9) < 50 * MS, "a frame already due waits");
  }

  @Test
  void pausedTheClockStandsStillAndResumingGoesOnFromThere() throws Exception {
    PlaybackClock clock = pacedFromFrame0(100);
    clock.pause();
    CountDownLatch done = new CountDownLatch(1);
    awaiting(clock, 1, done);
    // Frame 1 was due 10 ms after frame 0, but the clock stood still.
    assertFalse(done.await(200, TimeUnit.MILLISECONDS), "due while paused");
    clock.resume();
    assertTrue(done.await(5, TimeUnit.SECONDS));
    // The 200 ms paused moved every due time: frame 30 (300 ms in) is not due yet.
    assertTrue(waited(clock, 30) > 50 * MS);
  }

  @Test
  void pacingTurnedOnPlaysOnFromTheNextFrameMade() throws Exception {
    PlaybackClock clock = new PlaybackClock();
    clock.frameMade(0);
    // Unpaced, the stream ran 600 frames ahead (10 s at 60 fps): turned on, it is not held back.
    clock.pace(60);
    assertTrue(waited(clock, 600) < 500 * MS, "frames made while unpaced were held");
    clock.frameMade(600);
    assertTrue(waited(clock, 606) >= 99 * MS, "frame 606 came early");
  }

  @Test
  void aLateFrameMovesTheScheduleSoTheNextOnesKeepTheirSpacing() throws Exception {
    PlaybackClock clock = pacedFromFrame0(10);
    Thread.sleep(500); // frame 2 was due at 200 ms: 300 ms late
    // The block loop asking about frames it made long ago moves nothing: frame 3 (due at 300 ms)
    // is still past, where a moved schedule would hold it another 100 ms.
    assertTrue(waited(clock, 1) < 50 * MS);
    assertTrue(waited(clock, 3) < 50 * MS, "the loop's question moved the schedule");
    assertTrue(waitedShowing(clock, 2) < 50 * MS, "a late frame waits to be shown");
    // Shown late, frame 2 moved the schedule: frame 3 is due a frame (100 ms) after it, not at
    // once to catch up.
    assertTrue(waitedShowing(clock, 3) >= 50 * MS, "the frames after a late one burst out");
  }

  /**
   * A block loop of {@code blocks} two-frame blocks that takes {@code makingMs} to make each, paced
   * by {@code clock} as StudentBlockLoop is; returns the nanoTime at which each frame was shown by
   * a listener that shows a frame once it is made and due (ListenerChannel).
   */
  private static long[] shownTimes(PlaybackClock clock, int blocks, long makingMs)
      throws InterruptedException {
    BlockingQueue<Integer> made = new LinkedBlockingQueue<>();
    Thread loop =
        new Thread(
            () -> {
              try {
                for (int block = 0; block < blocks; block++) {
                  clock.awaitDue((block - 1) * 2L);
                  Thread.sleep(makingMs);
                  for (int i = 2 * block; i < 2 * block + 2; i++) {
                    clock.frameMade(i);
                    made.put(i);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    loop.setDaemon(true);
    loop.start();
    long[] shown = new long[2 * blocks];
    for (int i = 0; i < shown.length; i++) {
      int index = made.take();
      clock.awaitShowing(index);
      shown[i] = System.nanoTime();
    }
    return shown;
  }

  @Test
  void framesMadeMoreSlowlyThanTheyPlayAreSpacedByTheirMakingInstead() throws Exception {
    PlaybackClock clock = new PlaybackClock();
    clock.pace(20); // 50 ms a frame; each block of two takes 240 ms to make, 120 ms a frame
    long[] shown = shownTimes(clock, 8, 240);
    // Once the spacing has followed the making (half way per block), the two frames of a block
    // are a making's time apart or more (120 ms): slow motion, not two frames at full speed
    // (50 ms) and then a stall.
    for (int block = 5; block < 8; block++) {
      long gap = shown[2 * block + 1] - shown[2 * block];
      assertTrue(gap >= 75 * MS, "block " + block + "'s frames " + gap / MS + " ms apart");
    }
    double speed = clock.playbackSpeed();
    assertTrue(speed < 0.6 && speed > 0.2, "plays at " + speed);
  }

  @Test
  void aSteadyMachineJustSlowerThanRealTimePlaysNearlyAsFastAsItMakes() throws Exception {
    PlaybackClock clock = new PlaybackClock();
    clock.pace(10); // 100 ms a frame; each block of two takes 220 ms, 1.1x the frame rate
    shownTimes(clock, 10, 220);
    // Steady blocks need little headroom: about 1 / (1.1 x 1.05) = 0.87x. A fixed 1.2x headroom
    // played it at 0.76x.
    double speed = clock.playbackSpeed();
    assertTrue(speed > 0.8 && speed < 0.95, "plays at " + speed);
  }

  @Test
  void framesMadeFasterThanTheyPlayPlayAtFullSpeed() throws Exception {
    PlaybackClock clock = new PlaybackClock();
    clock.pace(20);
    long[] shown = shownTimes(clock, 6, 10);
    assertEquals(1.0, clock.playbackSpeed(), "a loop held back by the clock is not slow");
    // Frame 11 is due 11 frames (550 ms) after frame 0, and the loop ran ahead.
    assertTrue(shown[11] - shown[0] >= 540 * MS);
  }

  @Test
  void releasedNothingWaits() throws Exception {
    PlaybackClock clock = pacedFromFrame0(0.01);
    CountDownLatch done = new CountDownLatch(1);
    awaiting(clock, 5, done);
    assertFalse(done.await(100, TimeUnit.MILLISECONDS));
    clock.release();
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertTrue(waited(clock, 1_000) < 500 * MS);
  }
}
