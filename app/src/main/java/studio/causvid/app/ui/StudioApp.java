package studio.causvid.app.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import studio.causvid.app.ModelLocator;

/**
 * The JavaFX application. Options: {@code --model DIR} (model pack, default as for the command
 * line: $CAUSVID_MODEL, the installed pack, models/default, the user's packs), {@code --project
 * DIR} (a .causvid project to open), {@code --light} (the light theme, remembered as the View
 * menu's choice would be; otherwise the theme last chosen); {@code bench-ui [--seconds N]} runs the
 * window's stall benchmark ({@link UiBench}) instead.
 */
public final class StudioApp extends Application {
  private StudioWindow window;

  @Override
  public void start(Stage stage) {
    List<String> args = getParameters().getRaw();
    Path pack = defaultPack();
    Path project = null;
    boolean light = false;
    boolean bench = false;
    double benchSeconds = UiBench.DEFAULT_SECONDS;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--model" -> pack = Path.of(args.get(++i));
        case "--project" -> project = Path.of(args.get(++i));
        case "--light" -> light = true;
        case "bench-ui" -> bench = true;
        case "--seconds" -> benchSeconds = Double.parseDouble(args.get(++i));
        default -> {}
      }
    }
    if (bench) {
      Path scratch = UiBench.scratchHome();
      window = open(stage, pack, scratch);
      stage.show();
      UiBench.start(
          window,
          benchSeconds,
          scratch,
          outcome -> {
            System.out.println(outcome.json());
            System.out.flush();
            if (!outcome.ok()) {
              System.exit(1);
            }
            Platform.exit();
          });
      return;
    }
    window = open(stage, pack, studioHome());
    if (light) {
      // As View > Dark theme off would, so it is remembered like that choice.
      window.controller().model().darkTheme.set(false);
    }
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

  /** The pack the command line would use (installed beside the program, ./models, per user). */
  static Path defaultPack() {
    try {
      return ModelLocator.forThisProcess().resolve(null);
    } catch (IllegalArgumentException noneFound) {
      // The window then shows its missing-pack message with an "Open pack folder" button.
      return Path.of("models", "default");
    }
  }

  static Path studioHome() {
    String prop = System.getProperty("causvid.home");
    return prop != null
        ? Path.of(prop)
        : Path.of(System.getProperty("user.home"), ".causvid-studio");
  }
}
