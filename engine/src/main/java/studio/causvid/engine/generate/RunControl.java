package studio.causvid.engine.generate;

/** How a running loop hears pause, cancel and live prompts; checked between graph passes. */
interface RunControl {
  /** Blocks while paused; throws {@link CancelledRun} once cancelled. */
  void checkpoint() throws CancelledRun, InterruptedException;

  /** A prompt submitted since the last call, or null. */
  String takeSubmittedPrompt();

  /** Thrown inside the loop to unwind a cancelled run. */
  final class CancelledRun extends Exception {
    CancelledRun() {
      super("cancelled", null, false, false);
    }
  }
}
