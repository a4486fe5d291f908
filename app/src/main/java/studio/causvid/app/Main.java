package studio.causvid.app;

import studio.causvid.app.cli.StudioCommand;

/**
 * Entry point of {@code ./studio}: {@code generate …} and {@code bench …} run headless; with no
 * arguments the studio window opens (until the UI lands, the help is printed).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(StudioCommand.execute(args));
  }
}
