package studio.causvid.app.ui;

import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import studio.causvid.engine.StudioEngine;
import studio.causvid.engine.text.TokenizedPrompt;

/**
 * Where prompts are typed. Enter starts a generation, or while one runs sends a follow-up that
 * takes effect at the next block. Words of the model's vocabulary are offered as hints (Tab takes
 * the first); words it does not know are named, and so are words past the prompt length its text
 * encoder reads.
 */
final class PromptBar extends VBox {
  private final StudioModel model;
  private final TextField field = new TextField();
  private final HBox hints = new HBox(4);
  private final Label unknown = new Label();
  private final Label dropped = new Label();

  PromptBar(StudioModel model, StudioController controller) {
    this.model = model;
    getStyleClass().add("prompt-bar");
    field.setId("prompt");
    field.setPromptText(
        "Describe the video and press Enter (while generating, Enter steers; Ctrl+E extends)");
    field.setTooltip(
        new Tooltip(
            "Enter: generate, or steer the running generation at its next block. Ctrl+E: extend"
                + " the clip under this prompt. Tab: take the first word hint."));
    HBox.setHgrow(field, Priority.ALWAYS);
    Button send = Icons.decorate(new Button(), MaterialDesignC.CREATION, "Generate (Enter)");
    send.setId("send-prompt");
    send.textProperty()
        .bind(
            javafx.beans.binding.Bindings.when(model.generating)
                .then("Steer")
                .otherwise("Generate"));
    Runnable submit =
        () -> {
          String text = field.getText().trim();
          if (!text.isEmpty()) {
            controller.submitPrompt(text);
            field.clear();
          }
        };
    field.setOnAction(e -> submit.run());
    send.setOnAction(e -> submit.run());
    field.addEventFilter(
        KeyEvent.KEY_PRESSED,
        e -> {
          if (e.getCode() == KeyCode.TAB && !hints.getChildren().isEmpty()) {
            complete(((Hyperlink) hints.getChildren().get(0)).getText());
            e.consume();
          }
        });
    field.textProperty().addListener((o, a, b) -> refreshHints());
    model.engine.addListener((o, a, b) -> refreshHints());
    HBox row = new HBox(6, field, send);
    row.setAlignment(Pos.CENTER_LEFT);
    hints.getStyleClass().add("word-hints");
    hints.setAlignment(Pos.CENTER_LEFT);
    unknown.getStyleClass().add("unknown-words");
    unknown.setId("unknown-words");
    unknown.textProperty().bind(model.unknownWords);
    unknown.visibleProperty().bind(model.unknownWords.isNotEmpty());
    unknown.managedProperty().bind(unknown.visibleProperty());
    dropped.getStyleClass().add("unknown-words");
    dropped.setId("dropped-words");
    dropped.textProperty().bind(model.droppedWords);
    dropped.visibleProperty().bind(model.droppedWords.isNotEmpty());
    dropped.managedProperty().bind(dropped.visibleProperty());
    HBox below = new HBox(10, hints, unknown, dropped);
    below.setMinHeight(22);
    below.setAlignment(Pos.CENTER_LEFT);
    setSpacing(2);
    setPadding(new Insets(6, 8, 4, 8));
    getChildren().addAll(row, below);
  }

  TextField field() {
    return field;
  }

  private void refreshHints() {
    hints.getChildren().clear();
    StudioEngine engine = model.engine.get();
    String text = field.getText();
    if (engine == null) {
      model.unknownWords.set("");
      model.droppedWords.set("");
      return;
    }
    TokenizedPrompt tokens = engine.tokenize(text);
    List<String> unknownWords = tokens.unknownWords();
    model.droppedWords.set(
        tokens.droppedWords().isEmpty()
            ? ""
            : "Too long for the model, not read: " + String.join(" ", tokens.droppedWords()));
    // The word being typed is not "unknown" yet.
    String current = currentWord(text);
    List<String> shown =
        unknownWords.stream()
            .filter(w -> !(w.equals(current.toLowerCase(Locale.ROOT)) && !text.endsWith(" ")))
            .toList();
    model.unknownWords.set(
        shown.isEmpty() ? "" : "Not in the model's vocabulary: " + String.join(", ", shown));
    field.pseudoClassStateChanged(
        javafx.css.PseudoClass.getPseudoClass("unknown"), !shown.isEmpty());
    if (current.isEmpty()) {
      return;
    }
    String prefix = current.toLowerCase(Locale.ROOT);
    engine.manifest().text().vocabulary().stream()
        .filter(w -> !w.startsWith("<") && w.startsWith(prefix) && !w.equals(prefix))
        .limit(8)
        .forEach(
            w -> {
              Hyperlink h = new Hyperlink(w);
              h.getStyleClass().add("word-hint");
              h.setFocusTraversable(false);
              h.setTooltip(new Tooltip("Complete with \"" + w + "\" (Tab)"));
              h.setOnAction(e -> complete(w));
              hints.getChildren().add(h);
            });
  }

  private static String currentWord(String text) {
    int i = text.length();
    while (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
      i--;
    }
    return text.substring(i);
  }

  private void complete(String word) {
    String text = field.getText();
    String head = text.substring(0, text.length() - currentWord(text).length());
    field.setText(head + word + " ");
    field.positionCaret(field.getText().length());
    field.requestFocus();
  }
}
