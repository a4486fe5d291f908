package studio.causvid.engine.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The parsed {@code manifest.json} of a model pack (docs/model-pack.md, format versions 1 and 2).
 * All resolution, timing and cache sizes the engine uses come from here.
 */
public record Manifest(
    String format,
    int formatVersion,
    String name,
    String description,
    Video video,
    Latent latent,
    int framesPerBlock,
    Student student,
    Teacher teacher,
    Text text,
    Model model,
    Map<String, Graph> graphs,
    JsonNode training) {

  public record Video(int width, int height, int fps) {}

  public record Latent(int channels, int height, int width, int tokensPerFrame) {
    /** Floats in one frame's latent, {@code C·h·w}. */
    public int frameSize() {
      return channels * height * width;
    }
  }

  /**
   * The few-step causal student: its denoising schedule, its cache window and (optional, absent
   * before session 43's manifest) how the first block after a prompt switch is guided.
   */
  public record Student(
      List<Double> timesteps, int contextFrames, int sinkFrames, SwitchGuidance switchGuidance) {
    /** True where the first block after a switch takes the extra passes under the old prompt. */
    public boolean guidesSwitches() {
      return switchGuidance != null && switchGuidance.scale() > 0;
    }

    /** True where the first block after a switch from {@code from} to {@code to} is guided. */
    public boolean guidesSwitch(String from, String to) {
      return guidesSwitches() && switchGuidance.guides(from, to);
    }
  }

  /**
   * The first block after a prompt switch, guided away from the old prompt: on its first {@code
   * steps} denoising steps the velocity is {@code v_new + scale·(v_new − v_old)}, where {@code
   * v_old} is the same pass under the previous block's prompt. It draws the new prompt's change
   * where the old content stood instead of redrawing the scene (docs/model-pack.md).
   *
   * <p>{@code unguidedPhrases} (optional, absent before session 45's manifest): a switch whose two
   * prompts differ only in these phrases is not guided. The default pack lists its backgrounds:
   * there the object's words agree and the plain pass keeps the object in place, while the guided
   * block darkened the frame (docs/training-log.md, sessions 44-45).
   */
  public record SwitchGuidance(double scale, int steps, List<String> unguidedPhrases) {
    public SwitchGuidance {
      // Kept as given, nulls included, so that ModelPack's check can name a bad entry.
      unguidedPhrases =
          unguidedPhrases == null
              ? List.of()
              : Collections.unmodifiableList(new ArrayList<>(unguidedPhrases));
    }

    /**
     * Whether a switch from {@code from} to {@code to} is guided: the prompts still differ once
     * every unguided phrase is struck from both, compared as the tokenizer's words ({@link
     * PromptWords}, as the Python reference sampler compares them).
     */
    public boolean guides(String from, String to) {
      return !struck(from).equals(struck(to));
    }

    private List<String> struck(String prompt) {
      List<String> words = PromptWords.of(prompt);
      for (String phrase : unguidedPhrases) {
        List<String> p = PromptWords.of(phrase);
        if (p.isEmpty()) {
          continue;
        }
        List<String> kept = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
          if (i + p.size() <= words.size() && words.subList(i, i + p.size()).equals(p)) {
            i += p.size();
          } else {
            kept.add(words.get(i++));
          }
        }
        words = kept;
      }
      return words;
    }
  }

  /**
   * The bidirectional teacher, used for "best quality" renders. {@code noiseCorrelation} (optional,
   * absent before session 22's pack) is how strongly every frame's starting noise shares one frame
   * of noise; it keeps the teacher's objects in place from frame to frame.
   */
  public record Teacher(int clipFrames, int steps, double guidance, Double noiseCorrelation) {
    /** The correlation to sample with: 0 (independent frames) where the pack does not say. */
    public double frameCorrelation() {
      return noiseCorrelation == null ? 0.0 : noiseCorrelation;
    }
  }

  /**
   * The tokenizer's spec. {@code aliases} (optional) maps words a user writes to the vocabulary
   * word they are read as, such as "an" to "a"; absent, there are none.
   */
  public record Text(
      int maxTokens,
      int padId,
      int bosId,
      int unkId,
      List<String> vocabulary,
      Map<String, String> aliases) {
    public Text {
      aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
    }
  }

  public record Model(int layers, int heads, int headDim, int textDim) {}

  public record Graph(String file, List<TensorSpec> inputs, List<TensorSpec> outputs) {}
}
