package studio.causvid.engine.generate;

import java.util.List;
import studio.causvid.engine.runtime.ProviderChoice;

/** What a generation tells its listeners, in order. */
public sealed interface GenerationEvent {
  /** The run began: blocks {@code firstBlock … firstBlock + blocks - 1} will follow. */
  record Started(
      int firstBlock,
      int blocks,
      int width,
      int height,
      int fps,
      GenerationRequest.Sampler sampler,
      ProviderChoice provider)
      implements GenerationEvent {}

  /** A prompt took effect at {@code block}; unknown words were mapped to {@code <unk>}. */
  record PromptApplied(int block, String prompt, List<String> unknownWords)
      implements GenerationEvent {}

  /**
   * How much of the run is done, 0–1, where its frames come seldom: the teacher's frames all come
   * at the end of a window of many denoising steps, so it reports each step. The student's frames
   * are their own progress.
   */
  record Progress(double fraction) implements GenerationEvent {}

  /** A frame is ready to show or write. */
  record FrameReady(Frame frame) implements GenerationEvent {}

  /** All blocks were generated. */
  record Finished(int frames, long elapsedNanos) implements GenerationEvent {}

  /** The run was cancelled after {@code frames} frames. */
  record Cancelled(int frames) implements GenerationEvent {}

  /** The run failed; {@code message} is meant for the user. */
  record Failed(String message, Throwable cause) implements GenerationEvent {}

  /** True for the events that end a run. */
  default boolean isTerminal() {
    return this instanceof Finished || this instanceof Cancelled || this instanceof Failed;
  }
}
