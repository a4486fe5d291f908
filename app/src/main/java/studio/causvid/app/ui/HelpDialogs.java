package studio.causvid.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import studio.causvid.app.Main;
import studio.causvid.engine.StudioEngine;
import studio.causvid.engine.pack.Manifest;

/** Help > Keyboard shortcuts (F1) and Help > About. */
final class HelpDialogs {
  /** A menu item's name without what is bound into its text ("Undo", not "Undo Split"). */
  static final String PLAIN_NAME = "studio.plainName";

  record Shortcut(String keys, String action) {}

  /** The keys the window, the prompt bar and the timeline answer to outside the menus. */
  static final List<Shortcut> OTHER_KEYS =
      List.of(
          new Shortcut("Enter", "In the prompt bar: generate; while generating, steer"),
          new Shortcut("Tab", "In the prompt bar: take the first word hint"),
          new Shortcut("Space", "Play / pause"),
          new Shortcut("← / →", "One frame back / forward"),
          new Shortcut("Home / End", "First / last frame"),
          new Shortcut("Delete / Backspace", "Delete the selected prompt segment"),
          new Shortcut("Esc", "Stop generating; cancel a segment's text edit"));

  private HelpDialogs() {}

  /**
   * Every shortcut: the menus' read from their items (so the list cannot drift from them, and shows
   * Cmd on macOS), then the other keys.
   */
  static List<Shortcut> shortcuts(MenuBar menus) {
    List<Shortcut> rows = new ArrayList<>();
    for (Menu menu : menus.getMenus()) {
      for (MenuItem item : menu.getItems()) {
        if (item.getAccelerator() != null) {
          Object plain = item.getProperties().get(PLAIN_NAME);
          rows.add(
              new Shortcut(
                  item.getAccelerator().getDisplayText(),
                  plain != null ? plain.toString() : item.getText()));
        }
      }
    }
    rows.addAll(OTHER_KEYS);
    return rows;
  }

  static Alert shortcutsDialog(Stage owner, MenuBar menus) {
    GridPane grid = new GridPane();
    grid.setHgap(18);
    grid.setVgap(4);
    grid.setPadding(new Insets(14, 18, 6, 18));
    int row = 0;
    for (Shortcut s : shortcuts(menus)) {
      Label keys = new Label(s.keys());
      keys.getStyleClass().add("shortcut-keys");
      grid.addRow(row++, keys, new Label(s.action()));
    }
    Alert alert = dialog(owner, "Keyboard shortcuts", null);
    alert.getDialogPane().setId("shortcuts-dialog");
    alert.getDialogPane().setContent(grid);
    // Sized by its rows: left to the platform's default width, the longest row was cut off.
    alert.getDialogPane().setMinWidth(Region.USE_PREF_SIZE);
    alert.setResizable(true);
    return alert;
  }

  static Alert aboutDialog(Stage owner, StudioModel model) {
    StudioEngine engine = model.engine.get();
    Path packDir = model.packDir.get();
    StringBuilder text = new StringBuilder();
    if (engine == null) {
      text.append("No model pack is loaded.\n");
    } else {
      Manifest m = engine.manifest();
      text.append("Model pack: ").append(m.name());
      if (packDir != null) {
        text.append(" (").append(packDir).append(')');
      }
      text.append('\n');
      if (m.description() != null && !m.description().isBlank()) {
        text.append(m.description()).append('\n');
      } else {
        text.append(
            String.format(
                "%d×%d at %d fps, %d frames a block\n",
                m.video().width(), m.video().height(), m.video().fps(), m.framesPerBlock()));
      }
      text.append("Running on ").append(engine.provider().provider()).append('\n');
    }
    text.append("Java ")
        .append(System.getProperty("java.version"))
        .append(", JavaFX ")
        .append(System.getProperty("javafx.runtime.version", "?"));
    Alert alert = dialog(owner, "About CausVid Studio", "CausVid Studio " + Main.VERSION);
    alert.getDialogPane().setId("about-dialog");
    alert.setContentText(text.toString());
    return alert;
  }

  private static Alert dialog(Stage owner, String title, String header) {
    Alert alert = new Alert(Alert.AlertType.INFORMATION);
    alert.initOwner(owner);
    alert.initModality(javafx.stage.Modality.NONE); // a reference to keep open while working
    alert.setTitle(title);
    alert.setHeaderText(header);
    alert.setGraphic(null);
    alert.getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
    alert.getDialogPane().getStyleClass().add("studio-root");
    return alert;
  }
}
