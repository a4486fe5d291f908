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
