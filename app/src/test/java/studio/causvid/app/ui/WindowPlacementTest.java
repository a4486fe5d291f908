package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;
import studio.causvid.app.ui.StudioPreferences.Window;

class WindowPlacementTest {

  private static final Rectangle2D LAPTOP = new Rectangle2D(0, 0, 1920, 1050);

  /** A second monitor to the left of the laptop's screen. */
  private static final Rectangle2D LEFT_MONITOR = new Rectangle2D(-2560, -200, 2560, 1400);

  @Test
  void aWindowOnAScreenOpensWhereItWas() {
    Window saved = new Window(200, 100, 1180, 760, false);
    assertEquals(saved, WindowPlacement.onScreens(saved, List.of(LAPTOP)));
    Window onTheLeft = new Window(-2000, -100, 1600, 1000, false);
    assertEquals(onTheLeft, WindowPlacement.onScreens(onTheLeft, List.of(LAPTOP, LEFT_MONITOR)));
  }

  @Test
  void aWindowLeftOnAMonitorThatIsGoneIsCentredOnThePrimaryAndFitsIt() {
    Window onTheLeft = new Window(-2000, -100, 2400, 1300, true);
    assertEquals(
        new Window(Double.NaN, Double.NaN, 1920, 1050, true),
        WindowPlacement.onScreens(onTheLeft, List.of(LAPTOP)));
  }

  @Test
  void aTitleBarOffTheTopOrWithTooLittleOnScreenIsNotKept() {
    assertFalse(
        WindowPlacement.onScreens(new Window(300, -10, 1000, 700, false), List.of(LAPTOP)).placed(),
        "its title bar above the screen's top");
    assertFalse(
        WindowPlacement.onScreens(new Window(300, 1030, 1000, 700, false), List.of(LAPTOP))
            .placed(),
        "its title bar below the screen's bottom");
    double justOff = LAPTOP.getMaxX() - WindowPlacement.GRIP_WIDTH + 1;
    assertFalse(
        WindowPlacement.onScreens(new Window(justOff, 100, 1000, 700, false), List.of(LAPTOP))
            .placed(),
        "less of its top edge on screen than a grip");
    double enough = LAPTOP.getMaxX() - WindowPlacement.GRIP_WIDTH;
    assertEquals(
        enough,
        WindowPlacement.onScreens(new Window(enough, 100, 1000, 700, false), List.of(LAPTOP)).x());
  }

  @Test
  void aWindowNeverPlacedStaysCentred() {
    assertEquals(Window.DEFAULT, WindowPlacement.onScreens(Window.DEFAULT, List.of(LAPTOP)));
  }
}
