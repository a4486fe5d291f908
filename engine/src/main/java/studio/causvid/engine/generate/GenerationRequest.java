package studio.causvid.engine.generate;

/**
 * What to generate.
 *
 * @param prompts the prompt schedule ({@link GenerationSession#submitPrompt} can steer it live)
 * @param seed noise seed; same pack, seed and schedule give identical frames
 * @param blocks number of blocks to generate (each {@code frames_per_block} frames)
 * @param start noise, a photo, or context latents (extension / regenerate)
 * @param sampler the few-step causal student or the slow bidirectional teacher
 */
public record GenerationRequest(
    PromptTimeline prompts, long seed, int blocks, StartFrom start, Sampler sampler) {

  /** Which model renders the clip. */
  public enum Sampler {
    /** Streaming, few-step, block by block. */
    STUDENT,
    /** Bidirectional teacher with classifier-free guidance: slow, "best quality". */
    TEACHER
  }

  public GenerationRequest {
    if (prompts == null) {
      throw new IllegalArgumentException("A generation needs a prompt");
    }
    if (blocks <= 0) {
      throw new IllegalArgumentException("A generation needs at least one block, was " + blocks);
    }
    start = start == null ? new StartFrom.Noise() : start;
    sampler = sampler == null ? Sampler.STUDENT : sampler;
  }

  /** Text-to-video with the student. */
  public static GenerationRequest of(PromptTimeline prompts, long seed, int blocks) {
    return new GenerationRequest(prompts, seed, blocks, new StartFrom.Noise(), Sampler.STUDENT);
  }

  /** Blocks needed to cover {@code seconds} of video (rounded up to whole blocks). */
  public static int blocksFor(double seconds, int fps, int framesPerBlock) {
    return Math.max(1, (int) Math.ceil(seconds * fps / framesPerBlock - 1e-9));
  }

  public GenerationRequest withStart(StartFrom newStart) {
    return new GenerationRequest(prompts, seed, blocks, newStart, sampler);
  }

  public GenerationRequest withSampler(Sampler newSampler) {
    return new GenerationRequest(prompts, seed, blocks, start, newSampler);
  }

  public GenerationRequest withSeed(long newSeed) {
    return new GenerationRequest(prompts, newSeed, blocks, start, sampler);
  }
}
