package studio.causvid.app.ui;

import javafx.scene.control.ButtonBase;
import javafx.scene.control.Tooltip;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;

/** Icon buttons: vector icons stay crisp at any scale (HiDPI), and every button gets a tooltip. */
final class Icons {
  private Icons() {}

  static FontIcon icon(Ikon ikon) {
    FontIcon i = new FontIcon(ikon);
    i.getStyleClass().add("studio-icon");
    return i;
  }

  static <B extends ButtonBase> B decorate(B button, Ikon ikon, String tip) {
    button.setGraphic(icon(ikon));
    button.setTooltip(new Tooltip(tip));
    return button;
  }
}
