package studio.causvid.app.project;

/**
 * A prompt that holds from the start of {@code block} until the next cue (prompts change only at
 * block boundaries).
 */
public record PromptCue(int block, String text) {
  public PromptCue {
    if (block < 0) {
      throw new IllegalArgumentException("A prompt cannot start before block 0: " + block);
    }
    text = text == null ? "" : text;
  }
}
