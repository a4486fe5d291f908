package studio.causvid.app.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.controlsfx.control.RangeSlider;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.media.FrameWriter;
import studio.causvid.engine.media.RgbImage;

/**
 * Export the clip, or a range of it, to MP4, GIF or a PNG folder. Writing runs in a task with
 * progress; cancel (or a failure) leaves no half-written file, since the writers publish
 * atomically.
 */
final class ExportDialog {
  enum Format {
    MP4("MP4 video (H.264)", ".mp4"),
    GIF("Animated GIF", ".gif"),
    PNG("PNG sequence (folder)", "");

    final String label;
    final String suffix;

    Format(String label, String suffix) {
      this.label = label;
      this.suffix = suffix;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private final Stage stage = new Stage();
  private final StudioModel model;
  private final ChoiceBox<Format> format = new ChoiceBox<>();
  private final TextField target = new TextField();
  private final RangeSlider range;
  private final Label rangeText = new Label();
  private final ProgressBar progress = new ProgressBar(0);
  private final Label state = new Label("Ready");
  private final Button export =
      Icons.decorate(new Button("Export"), MaterialDesignE.EXPORT, "Write the file");
  private final Button close = new Button("Close");
  private Task<Path> running;

  /** A target that exists and that the user has said may be replaced (Export pressed twice). */
  private Path replaceConfirmed;

  /**
   * Cancel and the rename that publishes an export decide under this lock: the export thread checks
   * for a cancel and marks itself publishing in one step, and Cancel is refused once it has, so a
   * dialog that says "nothing was written" never races a rename that wrote it.
   */
  private final Object publishLock = new Object();

  private boolean publishing; // guarded by publishLock

  ExportDialog(Window owner, StudioModel model, Path suggestedFolder) {
    this.model = model;
    stage.initOwner(owner);
    stage.initModality(Modality.WINDOW_MODAL);
    stage.setTitle("Export clip");
    List<Frame> frames = model.frames();
    int last = Math.max(0, frames.size() - 1);
    int fps = fps(frames);

    format.getItems().addAll(Format.values());
    format.setValue(Format.MP4);
    format.setId("export-format");
    format.setTooltip(new Tooltip("File type to write"));
    target.setText(freeName(suggestedFolder, model.clipName(), Format.MP4.suffix).toString());
    target.setId("export-target");
    target.textProperty().addListener((o, a, b) -> forgetReplaceConfirmation());
    target.setTooltip(new Tooltip("Where to write: a file for MP4/GIF, a folder for PNG frames"));
    format
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              String t = target.getText().replaceAll("\\.(mp4|gif)$", "");
              target.setText(t + b.suffix);
            });
    Button browse =
        Icons.decorate(new Button("Browse…"), MaterialDesignF.FOLDER_OPEN, "Choose where to write");
    browse.setOnAction(
        e -> {
          FileChooser chooser = new FileChooser();
          chooser.setTitle("Export to");
          Path typed = Path.of(target.getText().trim()).toAbsolutePath();
          chooser.setInitialFileName(typed.getFileName().toString());
          // Open where the typed name points, not in the folder the studio was started from.
          if (typed.getParent() != null && Files.isDirectory(typed.getParent())) {
            chooser.setInitialDirectory(typed.getParent().toFile());
          }
          File f = chooser.showSaveDialog(stage);
          if (f != null) {
            target.setText(f.getPath());
            // The system's save dialog has already asked whether to replace an existing file.
            replaceConfirmed = f.toPath();
          }
        });
    HBox.setHgrow(target, Priority.ALWAYS);

    range = new RangeSlider(0, Math.max(1, last), 0, last);
    range.setId("export-range");
    range.setShowTickLabels(false);
    range.setBlockIncrement(1);
    range.setTooltip(new Tooltip("Frames to export (drag the ends)"));
    range.lowValueProperty().addListener((o, a, b) -> showRange(fps));
    range.highValueProperty().addListener((o, a, b) -> showRange(fps));
    showRange(fps);

    GridPane grid = new GridPane();
    grid.setHgap(8);
    grid.setVgap(10);
    grid.addRow(0, new Label("Format"), format);
    grid.addRow(1, new Label("Save to"), new HBox(6, target, browse));
    grid.addRow(2, new Label("Range"), new VBox(4, range, rangeText));
    grid.addRow(3, new Label("Progress"), new VBox(4, progress, state));
    GridPane.setHgrow(target.getParent(), Priority.ALWAYS);
    progress.setMaxWidth(Double.MAX_VALUE);
    progress.setId("export-progress");
    state.setId("export-state");
    state.setWrapText(true);
    // A long message wraps inside the dialog rather than widening the column it sits in, which
    // squeezed the field names to "…" (a message asking to replace a file did).
    state.setPrefWidth(360);
    state.setMaxWidth(Double.MAX_VALUE);
    state.setMinHeight(Region.USE_PREF_SIZE);
    ColumnConstraints names = new ColumnConstraints();
    names.setMinWidth(Region.USE_PREF_SIZE);
    ColumnConstraints fields = new ColumnConstraints();
    fields.setHgrow(Priority.ALWAYS);
    grid.getColumnConstraints().setAll(names, fields);
    export.setId("export-run");
    export.setDefaultButton(true);
    close.setId("export-close");
    close.setCancelButton(true);
    export.setOnAction(e -> start(frames, fps));
    close.setOnAction(
        e -> {
          if (!cancelUnfinished()) {
            stage.close();
          }
        });
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox buttons = new HBox(8, spacer, export, close);
    buttons.setAlignment(Pos.CENTER_RIGHT);
    VBox root = new VBox(14, grid, buttons);
    root.setPadding(new Insets(16));
    root.getStyleClass().addAll("export-dialog", "studio-root");
    root.setPrefWidth(520);
    Scene scene = new Scene(root);
    scene.getStylesheets().setAll(owner.getScene().getStylesheets());
    stage.setScene(scene);
    stage.setOnCloseRequest(e -> cancelUnfinished());
  }

  /**
   * Cancels the export unless it has finished or is publishing its file; false when there was none
   * to cancel. It asks isDone(), not isRunning(): a task is not "running" until its thread has
   * started, and a Cancel pressed right after Export must still stop it.
   */
  private boolean cancelUnfinished() {
    synchronized (publishLock) {
      if (running == null || running.isDone() || publishing) {
        return false; // a publishing export is moments from done: it finishes and says so
      }
      running.cancel();
      return true;
    }
  }

  Stage stage() {
    return stage;
  }

  void show() {
    stage.show();
  }

  private void forgetReplaceConfirmation() {
    replaceConfirmed = null;
    export.setText("Export");
  }

  /** {@code base + suffix} in {@code folder}, or {@code base-2 + suffix}, … whichever is free. */
  static Path freeName(Path folder, String base, String suffix) {
    Path candidate = folder.resolve(base + suffix);
    for (int n = 2; Files.exists(candidate) && n < 1000; n++) {
      candidate = folder.resolve(base + "-" + n + suffix);
    }
    return candidate;
  }

  private static int fps(List<Frame> frames) {
    if (frames.size() > 1 && frames.get(1).time() > 0) {
      return (int) Math.round(1 / (frames.get(1).time() - frames.get(0).time()));
    }
    return 16;
  }

  private void showRange(int fps) {
    int lo = (int) Math.round(range.getLowValue());
    int hi = (int) Math.round(range.getHighValue());
    rangeText.setText(
        String.format(
            Locale.ROOT,
            "frames %d – %d  (%.2f s – %.2f s, %d frames at %d fps)",
            lo,
            hi,
            lo / (double) fps,
            (hi + 1) / (double) fps,
            hi - lo + 1,
            fps));
  }

  private void start(List<Frame> frames, int fps) {
    if (frames.isEmpty()) {
      state.setText("Nothing to export: generate a clip first.");
      return;
    }
    int lo = (int) Math.round(range.getLowValue());
    int hi = Math.min(frames.size() - 1, (int) Math.round(range.getHighValue()));
    Path out = Path.of(target.getText().trim());
    if (Files.exists(out) && !out.equals(replaceConfirmed)) {
      // Typing a name (or keeping the suggested one) asks nothing else, so an earlier export of
      // the same name is not written over without a second press.
      replaceConfirmed = out;
      export.setText("Replace");
      state.setText(
          out.getFileName()
              + " already exists. Press Replace to write over it, or change the name.");
      return;
    }
    forgetReplaceConfirmation();
    List<Frame> slice = List.copyOf(frames.subList(lo, hi + 1));
    synchronized (publishLock) {
      publishing = false;
    }
    running =
        new Task<>() {
          @Override
          protected Path call() throws Exception {
            Frame first = slice.get(0);
            try (FrameWriter writer = FrameWriter.open(out, first.width(), first.height(), fps)) {
              for (int i = 0; i < slice.size(); i++) {
                if (isCancelled()) {
                  return null; // close() discards the temporary output
                }
                Frame f = slice.get(i);
                writer.write(new RgbImage(f.width(), f.height(), f.argb()));
                updateProgress(i + 1, slice.size() + 1);
                updateMessage("Writing frame " + (i + 1) + " of " + slice.size());
              }
              synchronized (publishLock) {
                if (isCancelled()) {
                  return null;
                }
                publishing = true;
              }
              writer.commit();
              updateProgress(1, 1);
            }
            return out;
          }
        };
    progress.progressProperty().bind(running.progressProperty());
    state.textProperty().bind(running.messageProperty());
    export.setDisable(true);
    close.setText("Cancel");
    running.setOnSucceeded(e -> done("Exported " + slice.size() + " frames to " + out, true));
    running.setOnCancelled(e -> done("Cancelled: nothing was written.", false));
    running.setOnFailed(
        e -> {
          String msg =
              "Export failed: "
                  + Background.message(running.getException())
                  + " Nothing was overwritten; choose another place or format.";
          done(msg, false);
          model.problem.set(Problem.of(msg));
        });
    Thread t = new Thread(running, "causvid-export");
    t.setDaemon(true);
    t.start();
  }

  private void done(String message, boolean ok) {
    progress.progressProperty().unbind();
    state.textProperty().unbind();
    if (!ok) {
      progress.setProgress(0);
    }
    state.setText(message);
    export.setDisable(false);
    close.setText("Close");
    if (ok) {
      model.status.set(message);
    }
  }

  /** The running or last export task (tests wait on it). */
  Task<Path> task() {
    return running;
  }
}
