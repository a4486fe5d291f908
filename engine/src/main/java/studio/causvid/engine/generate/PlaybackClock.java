package studio.causvid.engine.generate;

/**
 * When each frame of a paced generation is due on screen, so that a live preview plays the stream
 * at the clip's frame rate and a follow-up prompt lands near the frame the user is watching.
 *
 * <p>The first frame made sets the origin: frame {@code i} is due {@code (i - first) / fps} seconds
 * after it, later by however long the session was paused and by however late earlier frames were
 * shown. Unpaced (the default, fps 0) nothing waits. Without it a GPU makes a 2 s clip in a
 * fraction of a second and the stream has ended before a follow-up can be typed.
 *
 * <p>Where the engine makes frames more slowly than they play (a slow CPU), the frames are spaced
 * by the time it takes to make one instead, so the preview plays smoothly in slow motion rather
 * than a block at full speed and then a stall. That time is the block loop's work between two
 * {@link #awaitDue} calls over the frames made in it, waits and pauses left out: a loop held back
 * by the clock would otherwise seem exactly as slow as the clock, and the spacing could only grow.
 */
final class PlaybackClock {
  private double framesPerSecond;
  private long originNanos;
  private long originFrame = -1;
  private long pausedSince = -1;
  private boolean released;

  /** Spacing of the frames from {@code originFrame} on, in ns; 0 until the first frame made. */
  private double intervalNanos;

  /** The schedule before the spacing last changed, for the frames made before that. */
  private long earlierOriginNanos;

  private long earlierOriginFrame = -1;
  private double earlierIntervalNanos;

  private long workStartNanos = -1;
  private int workFrames;
  private long lastMadeNanos;
  private long lastMadeIndex = -1;

  /**
   * Smoothing of the spacing towards the latest block's making time: one slow block moves it half
   * way.
   */
  private static final double FOLLOW = 0.5;

  /** Making up to this much slower than playing still plays at full speed (timer jitter). */
  private static final double SLACK = 1.05;

  /**
   * Slower, the frames are spaced wider than they take to make, by twice the blocks' spread in
   * making time, so that a slow block is still ready when it is due; within these bounds. A steady
   * machine making 1.1x slower than real time then plays at 0.87x (a fixed 1.2 played it at 0.76x),
   * and an uneven one gets the room it needs.
   */
  private static final double MIN_HEADROOM = 1.05;

  private static final double MAX_HEADROOM = 1.3;

  /** A frame shown later than this share of the spacing moves the schedule with it. */
  private static final double LATE_SHARE = 0.25;

  /** The spread assumed until two blocks have shown theirs: 1.2x headroom. */
  private static final double FIRST_SPREAD = 0.1;

  /** Smoothed making time per frame (ns), and its smoothed relative deviation; -1 until known. */
  private double makingMean = -1;

  private double makingSpread = -1;

  /**
   * Paces from now on; 0 or less stops pacing (frames held go out at once). Turned on during a run,
   * the next frame made becomes the origin, so frames made ahead while unpaced are not held back.
   */
  synchronized void pace(double fps) {
    if (fps > 0 && framesPerSecond <= 0) {
      originFrame = -1;
    }
    boolean changed = Math.max(0, fps) != framesPerSecond;
    framesPerSecond = Math.max(0, fps);
    // Before the first frame made there is nothing to respace: frameMade sets the spacing.
    if (changed && originFrame >= 0) {
      respace(nominalNanos());
    }
    notifyAll();
  }

  /**
   * How fast the stream plays against its frame rate: 1 while the engine keeps up, less while
   * frames are spaced by the time it takes to make them.
   */
  synchronized double playbackSpeed() {
    return framesPerSecond <= 0 || intervalNanos <= 0 ? 1 : nominalNanos() / intervalNanos;
  }

  private double nominalNanos() {
    return framesPerSecond > 0 ? 1e9 / framesPerSecond : 0;
  }

  /** The engine made frame {@code index}; the first one made sets the origin. */
  synchronized void frameMade(long index) {
    long now = System.nanoTime();
    if (originFrame < 0) {
      originFrame = index;
      originNanos = now;
      earlierOriginFrame = -1;
      intervalNanos = nominalNanos();
      if (pausedSince >= 0) {
        pausedSince = originNanos;
      }
    }
    workFrames++;
    lastMadeNanos = now;
    lastMadeIndex = index;
  }

  synchronized void pause() {
    if (pausedSince < 0) {
      pausedSince = System.nanoTime();
    }
  }

  /** Playback goes on from where it stood: the time spent paused moves every due time later. */
  synchronized void resume() {
    if (pausedSince >= 0) {
      long paused = System.nanoTime() - pausedSince;
      if (originFrame >= 0) {
        moveSchedule(paused);
      }
      if (workStartNanos >= 0) {
        workStartNanos += paused;
      }
      pausedSince = -1;
      notifyAll();
    }
  }

  /** Nothing waits any more (the run was cancelled): the frames left go out at once. */
  synchronized void release() {
    released = true;
    notifyAll();
  }

  /**
   * Waits until frame {@code index} is due; at once when unpaced, released, or before the first
   * frame was made. While paused the clock stands still. For the block loop, which asks about a
   * frame already made: being past it is no sign of a late picture.
   */
  synchronized void awaitDue(long index) throws InterruptedException {
    followMakingSpeed();
    await(index, false);
    workStartNanos = System.nanoTime();
    workFrames = 0;
  }

  /**
   * Spaces the frames from the next one made on by the time the block loop took to make each of the
   * last block's, where that is slower than the frame rate.
   */
  private void followMakingSpeed() {
    double nominal = nominalNanos();
    if (nominal <= 0 || originFrame < 0 || workStartNanos < 0 || workFrames == 0) {
      return;
    }
    double making = (double) (lastMadeNanos - workStartNanos) / workFrames;
    if (makingMean < 0) {
      makingMean = making;
      makingSpread = FIRST_SPREAD;
    } else {
      makingSpread += FOLLOW * (Math.abs(making - makingMean) / makingMean - makingSpread);
      makingMean += FOLLOW * (making - makingMean);
    }
    // Wider than the making, so that a block is made before it is due despite the making's jitter:
    // a frame made late by less than a quarter of a frame is shown late, and the gap after it
    // shrinks.
    double headroom = Math.max(MIN_HEADROOM, Math.min(MAX_HEADROOM, 1 + 2 * makingSpread));
    double target = making > nominal * SLACK ? making * headroom : nominal;
    double next = intervalNanos + FOLLOW * (target - intervalNanos);
    if (next < nominal * SLACK) {
      next = nominal;
    }
    if (next != intervalNanos) {
      respace(next);
    }
  }

  /**
   * The frames made so far keep their due times; {@code next} spaces those from the next one on.
   */
  private void respace(double next) {
    long from = lastMadeIndex + 1;
    earlierOriginNanos = originNanos;
    earlierOriginFrame = originFrame;
    earlierIntervalNanos = intervalNanos;
    originNanos += Math.round((from - originFrame) * intervalNanos);
    originFrame = from;
    intervalNanos = next;
  }

  private long dueNanos(long index) {
    if (index < originFrame && earlierOriginFrame >= 0) {
      return earlierOriginNanos + Math.round((index - earlierOriginFrame) * earlierIntervalNanos);
    }
    return originNanos + Math.round((index - originFrame) * intervalNanos);
  }

  /** Every frame not yet shown is due {@code nanos} later. */
  private void moveSchedule(long nanos) {
    originNanos += nanos;
    earlierOriginNanos += nanos;
  }

  /**
   * As {@link #awaitDue}, for the delivery of frame {@code index} to a listener: where it comes
   * late (a block took longer to make than to play), the schedule moves with it, so the frames
   * after it keep their spacing instead of all going out at once to catch up.
   */
  synchronized void awaitShowing(long index) throws InterruptedException {
    await(index, true);
  }

  private void await(long index, boolean moveWhenLate) throws InterruptedException {
    while (!released && framesPerSecond > 0 && originFrame >= 0) {
      if (pausedSince >= 0) {
        wait();
        continue;
      }
      long left = dueNanos(index) - System.nanoTime();
      if (left <= 0) {
        // More than a quarter of a frame late counts; less is the delivery thread's own latency.
        // Half a frame let a schedule only just slower than the making show each block's first
        // frame late for several blocks, its gaps uneven by up to half a frame either way.
        if (moveWhenLate && -left > LATE_SHARE * intervalNanos) {
          moveSchedule(-left);
        }
        return;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
  }
}
