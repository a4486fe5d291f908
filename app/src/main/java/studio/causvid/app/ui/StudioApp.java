package studio.causvid.app.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.stage.Stage;

/**
 * The JavaFX application. Options: {@code --model DIR} (model pack, default $CAUSVID_MODEL or
 * models/default), {@code --project DIR} (a .causvid project to open), {@code --light}.
 */
public final class StudioApp extends Application {
  private StudioWindow window;

  @Override
  public void start(Stage stage) {
    List<String> args = getParameters().getRaw();
    Path pack = defaultPack();
    Path project = null;
    boolean light = false;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--model" -> pack = Path.of(args.get(++i));
        case "--project" -> project = Path.of(args.get(++i));
        case "--light" -> light = true;
        default -> {}
      }
    }
    window = open(stage, pack, studioHome());
    window.controller().model().darkTheme.set(!light);
    if (project != null) {
      window.controller().open(project);
    }
    stage.show();
  }

  /** Builds and wires a studio window on {@code stage} (also used by the tests). */
  public static StudioWindow open(Stage stage, Path pack, Path home) {
    StudioModel model = new StudioModel();
    StudioController controller = new StudioController(model, home);
    StudioWindow window = new StudioWindow(stage, controller);
    controller.openPack(pack);
    controller.offerRecovery();
    return window;
  }

  static Path defaultPack() {
    String env = System.getenv("CAUSVID_MODEL");
    return Path.of(env != null && !env.isBlank() ? env : "models/default");
  }

  static Path studioHome() {
    String prop = System.getProperty("causvid.home");
    return prop != null
        ? Path.of(prop)
        : Path.of(System.getProperty("user.home"), ".causvid-studio");
  }
}
