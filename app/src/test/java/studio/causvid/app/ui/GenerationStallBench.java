package studio.causvid.app.ui;

import static studio.causvid.app.ui.StudioFx.fx;
import static studio.causvid.app.ui.StudioFx.fxRun;
import static studio.causvid.app.ui.StudioFx.waitUntil;

import java.nio.file.Path;
import java.util.Locale;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Prints the status bar's "max UI stall" for a 60 s generation with the toy, the tiny and the
 * shipped pack. A benchmark: it prints figures and never fails on timing. Runs only when asked
 * ({@code -Dtest=GenerationStallBench -Dstall.bench=true}).
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "stall.bench", matches = "true")
class GenerationStallBench {
  @TempDir Path home;
  private StudioWindow window;
  private StudioModel model;

  @Start
  void start(Stage stage) {
    window = StudioApp.open(stage, StudioFx.toyPack(), home);
    model = window.controller().model();
    stage.show();
  }

  @Test
  void toyPack(FxRobot robot) {
    measure(robot, StudioFx.toyPack());
  }

  @Test
  void tinyPack(FxRobot robot) {
    measure(robot, StudioFx.toyPack().resolveSibling("tiny-pack"));
  }

  /** The pack users get: models/default at the repository root. */
  @Test
  void shippedPack(FxRobot robot) {
    measure(robot, Path.of("..", "models", "default").toAbsolutePath().normalize());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void measure(FxRobot robot, Path pack) {
    StudioController c = window.controller();
    waitUntil("the toy pack", 30, () -> model.engine.get() != null);
    if (!pack.equals(StudioFx.toyPack())) {
      fxRun(() -> c.openPack(pack));
      waitUntil(
          "the pack " + pack,
          60,
          () -> !model.loadingPack.get() && pack.equals(model.packDir.get()));
    }
    fxRun(() -> c.setLengthSeconds(60));
    // Frames as fast as the engine makes them: the most the window has to take in.
    fxRun(() -> model.realTime.set(false));
    // The machine's own noise: the same window, idle, for 3 s.
    PulseGaps idle = new PulseGaps();
    fxRun(idle::start);
    sleep(3000);
    String idleGaps = fx(() -> idle.stop().describe());
    PulseGaps busy = new PulseGaps();
    fxRun(busy::start);
    long start = System.nanoTime();
    fxRun(() -> c.submitPrompt("a red cat runs in the snow"));
    waitUntil("the generation", 600, () -> !model.generating.get());
    String busyGaps = fx(() -> busy.stop().describe());
    double seconds = (System.nanoTime() - start) / 1e9;
    int frames = fx(() -> model.frames().size());
    String stall = robot.lookup("#status-stall").queryAs(Label.class).getText();
    System.out.printf(
        Locale.ROOT,
        "STALL BENCH %s: %d frames in %.1f s (%.1f frames/s), %s%n"
            + "  generating: %s%n  idle:       %s%n",
        pack.getFileName(),
        frames,
        seconds,
        frames / seconds,
        stall,
        busyGaps,
        idleGaps);
    fxRun(
        () -> {
          c.shutdown();
          window.stage().close();
        });
  }
}
