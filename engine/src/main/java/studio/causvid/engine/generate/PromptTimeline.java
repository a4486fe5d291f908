package studio.causvid.engine.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A prompt schedule over time. A segment starting at {@code s} seconds applies from the first block
 * that starts at or after {@code s} (prompts change only at block boundaries, as in the model's
 * training).
 */
public record PromptTimeline(List<PromptSegment> segments) {
  public PromptTimeline {
    if (segments == null || segments.isEmpty()) {
      throw new IllegalArgumentException("A prompt timeline needs at least one prompt");
    }
    List<PromptSegment> sorted = new ArrayList<>(segments);
    sorted.sort(Comparator.comparingDouble(PromptSegment::startSeconds));
    if (sorted.get(0).startSeconds() != 0) {
      sorted.add(0, new PromptSegment(0, sorted.get(0).text()));
    }
    segments = List.copyOf(sorted);
  }

  /** One prompt for the whole clip. */
  public static PromptTimeline of(String prompt) {
    return new PromptTimeline(List.of(new PromptSegment(0, prompt)));
  }

  /** A copy with {@code text} starting at {@code seconds}. */
  public PromptTimeline with(double seconds, String text) {
    List<PromptSegment> more = new ArrayList<>(segments);
    more.add(new PromptSegment(seconds, text));
    return new PromptTimeline(more);
  }

  /** The first block at or after {@code seconds}. */
  public static int startBlock(double seconds, int fps, int framesPerBlock) {
    double frames = seconds * fps;
    return (int) Math.ceil(frames / framesPerBlock - 1e-9);
  }

  /** The prompt that holds for block {@code block}. */
  public String promptAtBlock(int block, int fps, int framesPerBlock) {
    String text = segments.get(0).text();
    for (PromptSegment s : segments) {
      if (startBlock(s.startSeconds(), fps, framesPerBlock) <= block) {
        text = s.text();
      }
    }
    return text;
  }
}
