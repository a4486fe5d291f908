package studio.causvid.engine.generate;

/**
 * The contract's block noise: a SplitMix64 stream seeded with {@code seed·1_000_003 + block}
 * (64-bit wrap-around) turned into standard normals by Box–Muller, so that Java and the Python
 * reference draw the same ε bit for bit.
 */
public final class NoiseSource {
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  private NoiseSource(long state) {
    this.state = state;
  }

  /** The stream for block {@code block} of a generation with seed {@code seed}. */
  public static NoiseSource forBlock(long seed, long block) {
    return new NoiseSource(seed * 1_000_003L + block);
  }

  /** ε of {@code count} floats (C order of {@code (F, C, h, w)}) for one block. */
  public static float[] blockNoise(long seed, long block, int count) {
    return forBlock(seed, block).normals(count);
  }

  /**
   * ε for one block of {@code frames} frames whose frames share one frame of noise: frame f is
   * {@code √c·shared + √(1−c)·ε_f}, the shared frame being the stream of block −1. Every value
   * stays a standard normal; any two frames correlate by {@code c}. At 0, {@link #blockNoise}.
   */
  public static float[] blockNoise(
      long seed, long block, int frames, int frameSize, double correlation) {
    float[] noise = blockNoise(seed, block, frames * frameSize);
    if (correlation == 0) {
      return noise;
    }
    float[] shared = blockNoise(seed, -1, frameSize);
    float a = (float) Math.sqrt(correlation);
    float b = (float) Math.sqrt(1 - correlation);
    for (int i = 0; i < noise.length; i++) {
      noise[i] = a * shared[i % frameSize] + b * noise[i];
    }
    return noise;
  }

  /** Next raw SplitMix64 output. */
  long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Next uniform in [0, 1) with 53 random bits. */
  double nextUniform() {
    return (nextLong() >>> 11) * TWO_POW_MINUS_53;
  }

  /** The next {@code count} normals; pairs come out as (cos, sin) of one Box–Muller draw. */
  public float[] normals(int count) {
    float[] out = new float[count];
    for (int i = 0; i < count; i += 2) {
      double u1 = nextUniform();
      double u2 = nextUniform();
      if (u1 == 0) {
        u1 = TWO_POW_MINUS_53;
      }
      double r = Math.sqrt(-2 * Math.log(u1));
      double angle = 2 * Math.PI * u2;
      out[i] = (float) (r * Math.cos(angle));
      if (i + 1 < count) {
        out[i + 1] = (float) (r * Math.sin(angle));
      }
    }
    return out;
  }
}
