package studio.causvid.app.ui;

import java.io.File;
import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import javafx.stage.StageStyle;

/**
 * A stand-in for a file manager, for {@link OsDragAndDropTest}: a small window in its own JVM whose
 * label can be dragged, carrying one file the way file managers offer it to other programs, as a
 * {@code text/uri-list} and nothing else. Arguments: the file, x, y.
 *
 * <p>Prints {@code source <x> <y>} (the label's centre, in screen pixels) once shown, and {@code
 * done <transfer mode>} when the drag ends.
 */
public final class FileDragSource extends Application {
  @Override
  public void start(Stage stage) {
    var args = getParameters().getRaw();
    File file = new File(args.get(0));
    Label label = new Label(file.getName());
    label.setStyle("-fx-background-color: orange; -fx-alignment: center;");
    label.setMinSize(160, 100);
    DataFormat known = DataFormat.lookupMimeType("text/uri-list");
    DataFormat uriList = known != null ? known : new DataFormat("text/uri-list");
    label.setOnDragDetected(
        e -> {
          ClipboardContent content = new ClipboardContent();
          content.put(uriList, file.toPath().toUri() + "\r\n");
          label.startDragAndDrop(TransferMode.COPY).setContent(content);
          e.consume();
        });
    label.setOnDragDone(e -> FxChild.say("done " + e.getTransferMode()));
    stage.initStyle(StageStyle.UNDECORATED);
    stage.setScene(new Scene(label, 160, 100));
    stage.setX(Double.parseDouble(args.get(1)));
    stage.setY(Double.parseDouble(args.get(2)));
    stage.show();
    Bounds b = label.localToScreen(label.getBoundsInLocal());
    FxChild.say("source " + Math.round(b.getCenterX()) + " " + Math.round(b.getCenterY()));
  }
}
