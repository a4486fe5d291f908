package studio.causvid.engine.generate;

/** How a running loop hears pause, cancel and live prompts; checked between graph passes. */
interface RunControl {
  /** Blocks while paused; throws {@link CancelledRun} once cancelled. */
  void checkpoint() throws CancelledRun, InterruptedException;

  /**
   * Waits until frame {@code frameIndex} is due on screen when the session plays in real time
   * ({@link GenerationSession#paceToPlayback}); then as {@link #checkpoint}. Unpaced, only that.
   */
  default void awaitPlayback(long frameIndex) throws CancelledRun, InterruptedException {
    checkpoint();
  }

  /** A prompt submitted since the last call, or null. */
  String takeSubmittedPrompt();

  /** Thrown inside the loop to unwind a cancelled run. */
  final class CancelledRun extends Exception {
    CancelledRun() {
      super("cancelled", null, false, false);
    }
  }
}
