package studio.causvid.engine.generate;

import java.util.ArrayList;
import java.util.List;
import studio.causvid.engine.pack.Manifest;

/**
 * The student's rolling key/value cache: at most {@code context_frames} frames, the first {@code
 * sink_frames} of which are kept forever while the rest roll, oldest out first. Each cached frame
 * also keeps its clean latent, which a prompt switch needs to rebuild the cache.
 *
 * <p>Owned by the engine thread; not thread-safe.
 */
public final class KvCache {
  /** One cached frame: its keys/values {@code (NL,2,NH,T,HD)} and its clean latent. */
  public record CachedFrame(long frameIndex, float[] kv, float[] latent) {}

  private final int layers;
  private final int heads;
  private final int headDim;
  private final int tokensPerFrame;
  private final int contextFrames;
  private final int sinkFrames;
  private final List<CachedFrame> frames = new ArrayList<>();

  public KvCache(
      int layers, int heads, int headDim, int tokensPerFrame, int contextFrames, int sinkFrames) {
    if (sinkFrames < 0 || sinkFrames >= contextFrames) {
      throw new IllegalArgumentException(
          "sink frames " + sinkFrames + " must be in [0, " + contextFrames + ")");
    }
    this.layers = layers;
    this.heads = heads;
    this.headDim = headDim;
    this.tokensPerFrame = tokensPerFrame;
    this.contextFrames = contextFrames;
    this.sinkFrames = sinkFrames;
  }

  public static KvCache forPack(Manifest m) {
    return new KvCache(
        m.model().layers(),
        m.model().heads(),
        m.model().headDim(),
        m.latent().tokensPerFrame(),
        m.student().contextFrames(),
        m.student().sinkFrames());
  }

  /** Number of cached frames; also the slot the next block's first frame takes. */
  public int size() {
    return frames.size();
  }

  public boolean isEmpty() {
    return frames.isEmpty();
  }

  public int capacityFrames() {
    return contextFrames;
  }

  /** Tokens of the {@code kv_cache} input, {@code K = context_frames · T}. */
  public int capacityTokens() {
    return contextFrames * tokensPerFrame;
  }

  /** Cached frames in cache order (sinks first). */
  public List<CachedFrame> frames() {
    return List.copyOf(frames);
  }

  public void clear() {
    frames.clear();
  }

  /**
   * Appends a block's {@code block_kv} {@code (NL,2,1,NH,F·T,HD)} frame by frame, then rolls the
   * window.
   *
   * @param firstFrameIndex global index of the block's first frame
   * @param latents the block's clean latents, one array per frame
   */
  public void append(float[] blockKv, long firstFrameIndex, List<float[]> latents) {
    int f = latents.size();
    int tokenFloats = tokensPerFrame * headDim;
    int blockRow = f * tokenFloats;
    if (blockKv.length != layers * 2 * heads * blockRow) {
      throw new IllegalArgumentException(
          "block_kv has " + blockKv.length + " floats, expected " + layers * 2 * heads * blockRow);
    }
    for (int i = 0; i < f; i++) {
      float[] kv = new float[layers * 2 * heads * tokenFloats];
      for (int row = 0; row < layers * 2 * heads; row++) {
        System.arraycopy(
            blockKv, row * blockRow + i * tokenFloats, kv, row * tokenFloats, tokenFloats);
      }
      frames.add(new CachedFrame(firstFrameIndex + i, kv, latents.get(i)));
    }
    while (frames.size() > contextFrames) {
      frames.remove(sinkFrames);
    }
  }

  /** The {@code kv_cache} input {@code (NL,2,1,NH,K,HD)}: cached frames first, zeros after. */
  public float[] kvTensor() {
    int tokenFloats = tokensPerFrame * headDim;
    int row = capacityTokens() * headDim;
    float[] out = new float[layers * 2 * heads * row];
    for (int slot = 0; slot < frames.size(); slot++) {
      float[] kv = frames.get(slot).kv();
      for (int r = 0; r < layers * 2 * heads; r++) {
        System.arraycopy(kv, r * tokenFloats, out, r * row + slot * tokenFloats, tokenFloats);
      }
    }
    return out;
  }

  /** {@code cache_pos}: the slot of each cached token's frame (0, 1, 2… in cache order). */
  public float[] positions() {
    float[] pos = new float[capacityTokens()];
    for (int slot = 0; slot < frames.size(); slot++) {
      java.util.Arrays.fill(pos, slot * tokensPerFrame, (slot + 1) * tokensPerFrame, slot);
    }
    return pos;
  }

  /** {@code cache_mask}: 1 where a slot holds a token. */
  public float[] mask() {
    float[] mask = new float[capacityTokens()];
    java.util.Arrays.fill(mask, 0, frames.size() * tokensPerFrame, 1f);
    return mask;
  }

  /** {@code frame_pos} of the next block: its frames continue after the last cached frame. */
  public float[] nextBlockPositions(int framesPerBlock) {
    float[] pos = new float[framesPerBlock];
    for (int i = 0; i < framesPerBlock; i++) {
      pos[i] = frames.size() + i;
    }
    return pos;
  }
}
