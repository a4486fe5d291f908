package studio.causvid.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import studio.causvid.engine.pack.ModelPack;
import studio.causvid.engine.runtime.Device;
import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.runtime.RuntimeOptions;

/**
 * A pack whose networks' last layer gives the clean latent (training's ModelConfig.predicts =
 * "clean", the default model's candidate since session 15). The conversion to a velocity happens
 * inside the exported graphs, so the pack contract, and the engine, are those of any pack: its
 * graphs and a streamed clip must match PyTorch as the velocity pack's do.
 */
class CleanPredictingPackTest {
  private static Goldens gold;
  private static StudioEngine engine;

  @BeforeAll
  static void open() throws Exception {
    gold = Goldens.load("/tiny-pack-clean-golden");
    engine = StudioEngine.open(Goldens.pack("/tiny-pack-clean"), new RuntimeOptions(Device.CPU, 2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void diffusionGraphsGiveTheVelocityTorchGives() throws Exception {
    try (PackGraphs graphs =
        PackGraphs.load(
            ModelPack.open(Goldens.pack("/tiny-pack-clean")), new RuntimeOptions(Device.CPU, 2))) {
      gold.assertDiffusionGraphsMatch(graphs);
    }
  }

  @Test
  void theFixtureReallyPredictsCleanLatents() throws Exception {
    // Same weights and inputs as the velocity pack's goldens: only what the last layer means
    // differs, so the velocities must too, or this test would check the other pack again.
    Goldens velocity = Goldens.load("/tiny-pack-golden");
    float[] a = gold.out("student_step", "v");
    float[] b = velocity.out("student_step", "v");
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    assertTrue(
        worst > 0.1,
        "the clean pack's step gives the velocity pack's v (max difference " + worst + ")");
  }

  @Test
  void streamedClipMatchesTheReferenceSampler() throws Exception {
    var frames = Goldens.generate(engine, gold.streamRequest(engine.manifest()));
    gold.assertLatentsMatch(frames, gold.index().get("stream"));
  }
}
