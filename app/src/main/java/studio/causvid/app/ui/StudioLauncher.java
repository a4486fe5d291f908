package studio.causvid.app.ui;

import javafx.application.Application;

/**
 * Starts the window; the only door from {@code Main} into JavaFX, so the headless path never loads
 * it.
 */
public final class StudioLauncher {
  private StudioLauncher() {}

  public static void launch(String[] args) {
    Application.launch(StudioApp.class, args);
  }
}
