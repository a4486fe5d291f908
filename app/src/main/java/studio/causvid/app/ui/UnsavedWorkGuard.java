package studio.causvid.app.ui;

import java.nio.file.Path;
import java.util.function.Supplier;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;

/**
 * Asks before unsaved work is replaced or closed. New project, Open, Quit and the window's close
 * button go through {@link #whenSafe}: with nothing unsaved the action runs at once; otherwise the
 * user picks Save (the action runs only once the save has succeeded, so a failed save leaves the
 * work open with its message), Don't save, or Cancel (nothing runs).
 */
final class UnsavedWorkGuard {
  static final ButtonType SAVE = new ButtonType("Save", ButtonBar.ButtonData.YES);
  static final ButtonType DISCARD = new ButtonType("Don't save", ButtonBar.ButtonData.NO);
  static final ButtonType CANCEL = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);

  private final Stage owner;
  private final StudioModel model;
  private final StudioController controller;
  private final Supplier<Path> chooseSaveTarget; // null when the user cancels the chooser
  private Alert question;

  UnsavedWorkGuard(
      Stage owner,
      StudioModel model,
      StudioController controller,
      Supplier<Path> chooseSaveTarget) {
    this.owner = owner;
    this.model = model;
    this.controller = controller;
    this.chooseSaveTarget = chooseSaveTarget;
  }

  /** Runs {@code proceed} once the current work may be let go ({@code action}: "quitting", …). */
  void whenSafe(String action, Runnable proceed) {
    if (!model.hasUnsavedWork()) {
      proceed.run();
      return;
    }
    if (question != null && question.isShowing()) {
      return; // one question at a time: the first one's answer decides
    }
    Path project = model.projectPath.get();
    Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "", SAVE, DISCARD, CANCEL);
    alert.initOwner(owner);
    alert.setTitle("Unsaved changes");
    alert.setHeaderText("Save the changes to " + model.projectName() + " before " + action + "?");
    alert.setContentText(
        "Without saving, what you made since the last save (its frames and prompts) is lost.");
    alert.getDialogPane().setId("unsaved-question");
    alert.getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
    alert.getDialogPane().getStyleClass().add("studio-root");
    alert.setOnHidden(
        e -> {
          ButtonType answer = alert.getResult();
          if (answer == SAVE) {
            Path target = project != null ? project : chooseSaveTarget.get();
            if (target != null) {
              controller.saveAs(target, proceed);
            }
          } else if (answer == DISCARD) {
            proceed.run();
          }
        });
    question = alert;
    alert.show();
  }

  /** The question last asked (tests answer it). */
  Alert question() {
    return question;
  }
}
