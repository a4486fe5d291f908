package studio.causvid.app;

import studio.causvid.app.cli.StudioCommand;

/**
 * Entry point of {@code ./studio}: {@code generate …} and {@code bench …} run headless; with no
 * arguments, or only window options ({@code --model DIR}, {@code --project DIR}, {@code --light}),
 * the studio window opens; {@code bench-ui …} opens it to measure UI stalls while generating.
 */
public final class Main {
  /** The studio's version, as the command line's --version and Help > About give it. */
  public static final String VERSION = "0.1";

  private Main() {}

  public static void main(String[] args) {
    if (opensWindow(args)) {
      // Reached only here, so the headless commands never load a JavaFX class.
      studio.causvid.app.ui.StudioLauncher.launch(args);
      return;
    }
    System.exit(StudioCommand.execute(args));
  }

  static boolean opensWindow(String[] args) {
    if (args.length == 0) {
      return true;
    }
    String first = args[0];
    return first.equals("--model")
        || first.equals("--project")
        || first.equals("--light")
        || first.equals("bench-ui");
  }
}
