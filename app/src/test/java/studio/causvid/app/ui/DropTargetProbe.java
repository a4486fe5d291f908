package studio.causvid.app.ui;

import java.nio.file.Path;
import java.util.Arrays;
import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.stage.Stage;
import studio.causvid.app.project.Source;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.media.MediaReader;

/**
 * The real studio window in its own JVM, for {@link OsDragAndDropTest}: it reports on stdout where
 * its preview is on the screen, and what became of a drop. Arguments: model pack, home.
 *
 * <p>Lines: {@code target <x> <y>} once the pack is loaded (the preview's centre, in screen
 * pixels); {@code imported <file name> <frame 0 is the fitted photo: true|false>} after an import.
 */
public final class DropTargetProbe extends Application {
  @Override
  public void start(Stage stage) {
    var args = getParameters().getRaw();
    StudioWindow window = StudioApp.open(stage, Path.of(args.get(0)), Path.of(args.get(1)));
    StudioModel model = window.controller().model();
    stage.setX(0);
    stage.setY(0);
    stage.show();
    Runnable reportTarget =
        () -> {
          Bounds b = window.preview().localToScreen(window.preview().getBoundsInLocal());
          FxChild.say("target " + Math.round(b.getCenterX()) + " " + Math.round(b.getCenterY()));
        };
    if (model.engine.get() != null) {
      reportTarget.run();
    }
    model.engine.addListener((o, a, engine) -> reportTarget.run());
    model.problem.addListener((o, a, p) -> FxChild.say("problem " + p));
    model.document.addListener(
        (o, a, doc) -> {
          if (doc.source() == Source.PHOTO && doc.sourceFile() != null && !doc.frames().isEmpty()) {
            Frame zero = doc.frames().get(0);
            boolean same;
            try {
              same =
                  Arrays.equals(
                      model.engine.get().fit(MediaReader.readPhoto(doc.sourceFile())).argb(),
                      zero.argb());
            } catch (Exception e) {
              same = false;
            }
            FxChild.say("imported " + doc.sourceFile().getFileName() + " " + same);
          }
        });
  }
}
