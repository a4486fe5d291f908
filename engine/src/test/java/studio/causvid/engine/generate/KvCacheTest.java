package studio.causvid.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvCacheTest {
  // 1 layer, 1 head, head dim 1, 2 tokens per frame: each frame's kv is 4 floats (k0,k1,v0,v1).
  private static final int F = 2;

  /** A block_kv (1,2,1,1,F*2,1) whose keys hold 10*frame+token and values their negation. */
  private static float[] blockKv(long firstFrame) {
    float[] kv = new float[2 * F * 2];
    for (int f = 0; f < F; f++) {
      for (int tok = 0; tok < 2; tok++) {
        float key = 10 * (firstFrame + f) + tok;
        kv[f * 2 + tok] = key;
        kv[F * 2 + f * 2 + tok] = -key;
      }
    }
    return kv;
  }

  private static List<float[]> latents(long firstFrame) {
    List<float[]> l = new ArrayList<>();
    for (int f = 0; f < F; f++) {
      l.add(new float[] {firstFrame + f});
    }
    return l;
  }

  private static void appendBlock(KvCache cache, int block) {
    cache.append(blockKv((long) block * F), (long) block * F, latents((long) block * F));
  }

  @Test
  void fillsFrameByFrameThenRollsKeepingSinks() {
    KvCache cache = new KvCache(1, 1, 1, 2, 6, 2);
    appendBlock(cache, 0);
    assertEquals(2, cache.size());
    assertArrayEquals(new float[] {2, 3}, cache.nextBlockPositions(F));
    appendBlock(cache, 1);
    appendBlock(cache, 2);
    assertEquals(6, cache.size());
    appendBlock(cache, 3); // frames 0,1 are sinks; 2,3 roll out
    appendBlock(cache, 4); // then 4,5
    assertEquals(
        List.of(0L, 1L, 6L, 7L, 8L, 9L),
        cache.frames().stream().map(KvCache.CachedFrame::frameIndex).toList());
    // Slot positions never exceed context + F - 1, however long the clip.
    assertArrayEquals(new float[] {6, 7}, cache.nextBlockPositions(F));
    assertArrayEquals(new float[] {6}, cache.frames().get(2).latent());
  }

  @Test
  void tensorsLayFramesInCacheOrderWithSlotPositionsAndMask() {
    KvCache cache = new KvCache(1, 1, 1, 2, 6, 0);
    appendBlock(cache, 0);
    appendBlock(cache, 1);
    float[] kv = cache.kvTensor();
    // (1,2,1,1,K=12,1): keys then values, 4 frames written, 2 slots empty.
    assertArrayEquals(
        new float[] {
          0, 1, 10, 11, 20, 21, 30, 31, 0, 0, 0, 0, -0f, -1, -10, -11, -20, -21, -30, -31, 0, 0, 0,
          0
        },
        kv);
    assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 0, 0}, cache.positions());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, cache.mask());
  }

  @Test
  void withoutSinksTheOldestFramesRollOut() {
    KvCache cache = new KvCache(1, 1, 1, 2, 4, 0);
    for (int b = 0; b < 5; b++) {
      appendBlock(cache, b);
    }
    assertEquals(
        List.of(6L, 7L, 8L, 9L),
        cache.frames().stream().map(KvCache.CachedFrame::frameIndex).toList());
    float[] kv = cache.kvTensor();
    assertEquals(60, kv[0]);
    assertEquals(0, cache.positions()[0]);
  }

  @Test
  void clearEmptiesTheWindow() {
    KvCache cache = new KvCache(1, 1, 1, 2, 4, 0);
    appendBlock(cache, 0);
    cache.clear();
    assertEquals(0, cache.size());
    assertArrayEquals(new float[] {0, 1}, cache.nextBlockPositions(F));
  }
}
