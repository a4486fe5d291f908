package studio.causvid.engine.generate;

import java.util.List;

/** What a generation starts from. */
public sealed interface StartFrom {
  /** Pure noise: plain text-to-video. */
  record Noise() implements StartFrom {}

  /**
   * Image-to-video: the photo's latent is frame 0 of block 0, held clean ({@code t = 0}) while the
   * other frames of the block are denoised.
   */
  record Photo(float[] latent) implements StartFrom {}

  /**
   * Video extension or regeneration: clean latents of the frames before the first generated block
   * (a whole number of blocks). They are written into the cache block by block, under the prompt
   * schedule, exactly as if they had been generated; generation then continues at block {@code
   * latents.size() / F}.
   */
  record Context(List<float[]> latents) implements StartFrom {
    public Context {
      latents = List.copyOf(latents);
    }
  }
}
