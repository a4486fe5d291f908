package studio.causvid.app.ui;

import static studio.causvid.app.ui.StudioFx.fx;
import static studio.causvid.app.ui.StudioFx.fxRun;
import static studio.causvid.app.ui.StudioFx.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Takes the pictures in docs/images of the real window: generating, with a photo, and the export
 * dialog. Runs only when asked: {@code app/screenshots.sh} (Xvfb, real window) sets {@code
 * screenshots.dir}.
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "screenshots.dir", matches = ".+")
class ScreenshotTest {
  @TempDir Path home;
  @TempDir Path dir;
  private StudioWindow window;
  private StudioModel model;

  @Start
  void start(Stage stage) {
    String pack = System.getProperty("screenshots.pack", "");
    window = StudioApp.open(stage, pack.isBlank() ? StudioFx.toyPack() : Path.of(pack), home);
    model = window.controller().model();
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
  }

  private void shoot(Scene scene, String name) throws Exception {
    Path out = Path.of(System.getProperty("screenshots.dir")).resolve(name);
    Files.createDirectories(out.getParent());
    var image = fx(() -> scene.snapshot(null));
    ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", out.toFile());
  }

  /** Pauses the generation the moment {@code condition} holds (called on the FX thread). */
  private boolean pauseWhen(StudioController c, boolean condition) {
    if (condition && model.generating.get() && !model.generationPaused.get()) {
      c.togglePauseGeneration();
    }
    return condition && (model.generationPaused.get() || !model.generating.get());
  }

  @Test
  void windowPictures(FxRobot robot) throws Exception {
    waitUntil("pack", 20, () -> model.engine.get() != null);
    StudioController c = window.controller();
    // Generating: paused two blocks after a follow-up has landed, so the picture shows work in
    // flight and the switched colour on the timeline.
    // Text is set directly: without a window manager under Xvfb, robot keys may miss the window.
    fxRun(() -> c.setLengthSeconds(60));
    fxRun(() -> c.submitPrompt("a red ball bouncing in the sky"));
    waitUntil("some blocks", 20, () -> pauseWhen(c, model.frames().size() >= 40));
    fxRun(() -> c.submitPrompt("a blue ball bouncing in the sky"));
    fxRun(c::togglePauseGeneration);
    int switchedAt = model.frames().size();
    waitUntil(
        "follow-up",
        20,
        () ->
            pauseWhen(
                c, model.doc().cues().size() == 2 && model.frames().size() >= switchedAt + 12));
    fxRun(() -> window.promptBar().field().setText("a yellow star spinn"));
    Thread.sleep(300);
    shoot(window.scene(), "studio-generating.png");
    fxRun(c::stopGeneration);
    waitUntil("stopped", 20, () -> !model.generating.get());

    // With a photo as frame 0, in the light theme.
    fxRun(
        () -> {
          c.newProject();
          c.setLengthSeconds(6);
          model.darkTheme.set(false);
          model.smoothScaling.set(true);
        });
    String userPhoto = System.getProperty("screenshots.photo", "");
    Path photo = userPhoto.isBlank() ? StudioFx.photo(dir) : Path.of(userPhoto);
    fxRun(() -> c.importFile(photo));
    waitUntil("photo", 10, () -> !model.frames().isEmpty());
    // The photo animated: "the camera pans left", shown part-way through the clip.
    fxRun(() -> c.submitPrompt("in a photo, the camera pans left"));
    waitUntil("clip", 60, () -> !model.generating.get() && model.frames().size() > 1);
    fxRun(() -> window.promptBar().field().setText("in a photo, the camera pans left"));
    Thread.sleep(300);
    shoot(window.scene(), "studio-photo.png");

    // The export dialog, over the finished clip.
    fxRun(() -> model.darkTheme.set(true));
    fxRun(window::openExport);
    waitUntil("dialog", 5, () -> window.exportDialog() != null);
    Thread.sleep(300);
    shoot(window.exportDialog().stage().getScene(), "export-dialog.png");
  }
}
