package studio.causvid.engine.generate;

/**
 * When each frame of a paced generation is due on screen, so that a live preview plays the stream
 * at the clip's frame rate and a follow-up prompt lands near the frame the user is watching.
 *
 * <p>The first frame made sets the origin: frame {@code i} is due {@code (i - first) / fps} seconds
 * after it, later by however long the session was paused and by however late earlier frames were
 * shown. Unpaced (the default, fps 0) nothing waits. Without it a GPU makes a 2 s clip in a
 * fraction of a second and the stream has ended before a follow-up can be typed; on a slow CPU
 * nothing waits either, since every frame is late.
 */
final class PlaybackClock {
  private double framesPerSecond;
  private long originNanos;
  private long originFrame = -1;
  private long pausedSince = -1;
  private boolean released;

  /**
   * Paces from now on; 0 or less stops pacing (frames held go out at once). Turned on during a run,
   * the next frame made becomes the origin, so frames made ahead while unpaced are not held back.
   */
  synchronized void pace(double fps) {
    if (fps > 0 && framesPerSecond <= 0) {
      originFrame = -1;
    }
    framesPerSecond = Math.max(0, fps);
    notifyAll();
  }

  /** The engine made frame {@code index}; the first one made sets the origin. */
  synchronized void frameMade(long index) {
    if (originFrame < 0) {
      originFrame = index;
      originNanos = System.nanoTime();
      if (pausedSince >= 0) {
        pausedSince = originNanos;
      }
    }
  }

  synchronized void pause() {
    if (pausedSince < 0) {
      pausedSince = System.nanoTime();
    }
  }

  /** Playback goes on from where it stood: the time spent paused moves every due time later. */
  synchronized void resume() {
    if (pausedSince >= 0) {
      if (originFrame >= 0) {
        originNanos += System.nanoTime() - pausedSince;
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
    await(index, false);
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
      long due = originNanos + Math.round((index - originFrame) * 1e9 / framesPerSecond);
      long left = due - System.nanoTime();
      if (left <= 0) {
        // More than half a frame late counts; less is the delivery thread's own latency.
        if (moveWhenLate && -left > 0.5e9 / framesPerSecond) {
          originNanos -= left;
        }
        return;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
  }
}
