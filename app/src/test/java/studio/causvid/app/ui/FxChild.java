package studio.causvid.app.ui;

import java.util.Arrays;
import javafx.application.Application;

/**
 * What the JavaFX programs of {@link OsDragAndDropTest} share in their own JVMs: the entry point,
 * and the way they report to the test (one line on stdout each).
 */
public final class FxChild {
  private FxChild() {}

  /**
   * Launches the Application named by {@code args[0]} with the rest of the arguments. Started
   * through this class rather than the Application itself: JavaFX on the class path refuses the
   * latter.
   */
  public static void main(String[] args) throws ClassNotFoundException {
    Class<? extends Application> app = Class.forName(args[0]).asSubclass(Application.class);
    Application.launch(app, Arrays.copyOfRange(args, 1, args.length));
  }

  /** One line for the test, flushed at once (it waits for it). */
  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
