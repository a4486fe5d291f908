package studio.causvid.app.ui;

import java.util.List;
import javafx.geometry.Rectangle2D;

/**
 * Where a saved window opens on this desktop. A place saved on a monitor that is gone (or a desktop
 * laid out again since) could open the window where nobody can reach its title bar to drag it back,
 * so a saved corner is kept only while a screen still shows enough of the window's top edge;
 * otherwise the window is centred, as on a first run.
 */
final class WindowPlacement {

  /** How much of the window's top edge (its title bar) a screen must show to keep its place. */
  static final double GRIP_WIDTH = 120;

  static final double GRIP_HEIGHT = 32;

  private WindowPlacement() {}

  /**
   * The saved window as it should open on {@code screens} (their visual bounds; the first is the
   * primary): its corner where a screen still shows its top edge, else unplaced (NaN, centred); its
   * size shrunk to fit the screen it opens on.
   */
  static StudioPreferences.Window onScreens(
      StudioPreferences.Window saved, List<Rectangle2D> screens) {
    Rectangle2D screen = saved.placed() ? holding(saved, screens) : null;
    Rectangle2D fitTo = screen != null ? screen : screens.get(0);
    double width = Math.min(saved.width(), fitTo.getWidth());
    double height = Math.min(saved.height(), fitTo.getHeight());
    return screen != null
        ? new StudioPreferences.Window(saved.x(), saved.y(), width, height, saved.maximized())
        : new StudioPreferences.Window(Double.NaN, Double.NaN, width, height, saved.maximized());
  }

  /** The screen that shows the saved window's top edge, or null where none does. */
  private static Rectangle2D holding(StudioPreferences.Window w, List<Rectangle2D> screens) {
    for (Rectangle2D s : screens) {
      double shown = Math.min(w.x() + w.width(), s.getMaxX()) - Math.max(w.x(), s.getMinX());
      boolean topOnScreen = w.y() >= s.getMinY() && w.y() + GRIP_HEIGHT <= s.getMaxY();
      if (shown >= GRIP_WIDTH && topOnScreen) {
        return s;
      }
    }
    return null;
  }
}
