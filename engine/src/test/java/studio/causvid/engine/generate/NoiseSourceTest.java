package studio.causvid.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import studio.causvid.engine.ToyPack;

class NoiseSourceTest {
  @Test
  void splitMixMatchesTheReferenceStream() {
    // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
    NoiseSource s = NoiseSource.forBlock(0, 0);
    assertEquals(0xE220A8397B1DCDAFL, s.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, s.nextLong());
    assertEquals(0x06C45D188009454FL, s.nextLong());
  }

  @Test
  void goldenValuesForSeedAndBlock() {
    // Saved from the Python reference (make_toy_pack.py), seed 42, block 0.
    float[] expected = {
      -0.4394915997982025f, -0.31104040145874023f, -0.4484371244907379f, 0.4166823625564575f,
      0.7844911813735962f, 1.2506659030914307f, 0.6536304354667664f, -1.1768231391906738f,
      0.2661452293395996f
    };
    assertArrayEquals(expected, NoiseSource.blockNoise(42, 0, 9));
  }

  @Test
  void correlatedFramesMatchThePythonReference() {
    // causvid.noise.block_noise(7, 2, (2, 1, 1, 3), 0.9) and its shared frame, block -1.
    float[] expected = {
      0.1808532327413559f, 0.22701716423034668f, 0.9346125721931458f,
      0.530782163143158f, 0.9590957164764404f, 0.9964938759803772f
    };
    float[] got = NoiseSource.blockNoise(7, 2, 2, 3, 0.9);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], got[i], 1e-6f, "value " + i);
    }
    assertArrayEquals(
        new float[] {0.17672471702098846f, 0.4763999283313751f, 0.9848433136940002f},
        NoiseSource.blockNoise(7, -1, 3));
    assertArrayEquals(NoiseSource.blockNoise(7, 2, 6), NoiseSource.blockNoise(7, 2, 2, 3, 0.0));
  }

  @Test
  void agreesWithThePythonFileForEverySeed() {
    for (JsonNode row : ToyPack.golden().get("noise")) {
      long seed = row.get("seed").asLong();
      long block = row.get("block").asLong();
      JsonNode values = row.get("values");
      float[] got = NoiseSource.blockNoise(seed, block, values.size());
      for (int i = 0; i < got.length; i++) {
        assertEquals(
            (float) values.get(i).asDouble(), got[i], 1e-6f, "seed " + seed + " block " + block);
      }
    }
  }

  @Test
  void blocksAndSeedsDiffer() {
    assertNotEquals(NoiseSource.blockNoise(1, 0, 4)[0], NoiseSource.blockNoise(1, 1, 4)[0]);
    assertNotEquals(NoiseSource.blockNoise(1, 0, 4)[0], NoiseSource.blockNoise(2, 0, 4)[0]);
    assertArrayEquals(NoiseSource.blockNoise(5, 3, 64), NoiseSource.blockNoise(5, 3, 64));
  }

  @Test
  void roughlyStandardNormal() {
    float[] n = NoiseSource.blockNoise(123, 4, 100_000);
    double mean = 0;
    double sq = 0;
    for (float v : n) {
      mean += v;
      sq += v * v;
    }
    mean /= n.length;
    assertEquals(0, mean, 0.02);
    assertEquals(1, sq / n.length - mean * mean, 0.02);
  }
}
