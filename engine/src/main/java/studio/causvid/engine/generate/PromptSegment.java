package studio.causvid.engine.generate;

/** A prompt that holds from {@code startSeconds} until the next segment starts. */
public record PromptSegment(double startSeconds, String text) {
  public PromptSegment {
    if (!(startSeconds >= 0)) {
      throw new IllegalArgumentException("A prompt cannot start before 0 s: " + startSeconds);
    }
    text = text == null ? "" : text;
  }
}
