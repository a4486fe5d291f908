package studio.causvid.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.beans.Observable;

/**
 * Keeps the model's lasting settings ({@link StudioPreferences}) in the studio's home folder:
 * restores them once, before the window is built, and saves them whenever one changes.
 *
 * <p>Saves run one at a time on a thread of their own, in the order the changes came, so the FX
 * thread never waits on the disk and the file always ends as the last change left it.
 */
final class PreferencesKeeper {
  private final StudioModel model;
  private final Path file;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "causvid-preferences");
            t.setDaemon(true);
            return t;
          });

  /** Whether the last save failed, so that a failing disk is reported once, not per click. */
  private boolean saveFailing;

  PreferencesKeeper(StudioModel model, Path home) {
    this.model = model;
    this.file = home.resolve(StudioPreferences.FILE_NAME);
  }

  /**
   * Puts the saved settings into the model, then starts saving every change. A file that cannot be
   * read leaves the defaults, is set aside beside itself (so the next save does not destroy what a
   * user may want to look at) and is reported in the notification bar.
   */
  void restoreAndKeep() {
    StudioPreferences saved;
    try {
      saved = StudioPreferences.read(file);
    } catch (IOException e) {
      saved = StudioPreferences.DEFAULTS;
      model.problem.set(
          Problem.of(
              "Studio settings could not be read ("
                  + Background.message(e)
                  + "); the defaults are in use. "
                  + setAside()));
    }
    apply(saved);
    for (Observable setting :
        new Observable[] {
          model.darkTheme,
          model.realTime,
          model.smoothScaling,
          model.loop,
          model.extendSeconds,
          model.device,
          model.window
        }) {
      setting.addListener(o -> save());
    }
  }

  private void apply(StudioPreferences p) {
    model.darkTheme.set(p.darkTheme());
    model.realTime.set(p.realTime());
    model.smoothScaling.set(p.smoothScaling());
    model.loop.set(p.loop());
    model.extendSeconds.set(p.extendSeconds());
    model.device.set(p.device());
    model.window.set(p.window());
  }

  private StudioPreferences current() {
    return new StudioPreferences(
        model.darkTheme.get(),
        model.realTime.get(),
        model.smoothScaling.get(),
        model.loop.get(),
        model.extendSeconds.get(),
        model.device.get(),
        model.window.get());
  }

  private String setAside() {
    Path aside = file.resolveSibling(StudioPreferences.FILE_NAME + ".unreadable");
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      return "The old file is kept as " + aside + ".";
    } catch (IOException e) {
      return "The old file stays at " + file + " until a setting changes.";
    }
  }

  /** Saves the settings as they are now (read here, on the FX thread; written off it). */
  private void save() {
    StudioPreferences now = current();
    writer.execute(
        () -> {
          try {
            now.write(file);
            Platform.runLater(() -> saveFailing = false);
          } catch (IOException e) {
            String why = Background.message(e);
            Platform.runLater(
                () -> {
                  if (!saveFailing) {
                    saveFailing = true;
                    model.problem.set(
                        Problem.of(
                            "Studio settings could not be saved to "
                                + file
                                + " ("
                                + why
                                + "); they apply until the studio closes."));
                  }
                });
          }
        });
  }

  /** Waits (up to two seconds) for the saves already asked for: at shutdown, and in the tests. */
  void awaitSaves() {
    try {
      writer.submit(() -> {}).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // A save still stuck on a slow disk finishes on its own; nothing here can hurry it.
    }
  }
}
