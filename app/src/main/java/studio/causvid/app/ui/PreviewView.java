package studio.causvid.app.ui;

import java.nio.IntBuffer;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import studio.causvid.engine.generate.Frame;

/**
 * Shows the frame under the playhead. Pixels go into one {@link PixelBuffer} that backs a {@link
 * WritableImage}, updated in place; the image view scales it to fit, nearest-neighbour or smooth.
 */
final class PreviewView extends StackPane {
  private final StudioModel model;
  private final ImageView view = new ImageView();
  private final Label placeholder = new Label();
  private final Label caption = new Label();
  private PixelBuffer<IntBuffer> buffer;
  private WritableImage image;
  private Frame shown;

  PreviewView(StudioModel model) {
    this.model = model;
    getStyleClass().add("preview");
    setId("preview");
    setMinSize(0, 0);
    setPrefSize(480, 320);
    view.setPreserveRatio(true);
    view.smoothProperty().bind(model.smoothScaling);
    view.fitWidthProperty().bind(widthProperty().subtract(16));
    view.fitHeightProperty().bind(heightProperty().subtract(16));
    view.setId("preview-image");
    placeholder.getStyleClass().add("preview-placeholder");
    placeholder.setWrapText(true);
    placeholder.setMaxWidth(420);
    caption.getStyleClass().add("preview-caption");
    caption.setId("preview-caption");
    caption.visibleProperty().bind(caption.textProperty().isNotEmpty());
    StackPane.setAlignment(caption, Pos.BOTTOM_LEFT);
    getChildren().addAll(view, placeholder, caption);
    // Clicking the picture takes the keys away from the prompt, so space/arrows drive playback.
    setFocusTraversable(true);
    setOnMousePressed(e -> requestFocus());
    model.playhead.addListener((o, a, b) -> refresh());
    model.document.addListener((o, a, b) -> refresh());
    model.engine.addListener((o, a, b) -> refresh());
    model.loadingPack.addListener((o, a, b) -> refresh());
    refresh();
  }

  private void refresh() {
    List<Frame> frames = model.frames();
    int i = model.playhead.get();
    if (frames.isEmpty() || i < 0 || i >= frames.size()) {
      shown = null;
      view.setImage(null);
      caption.setText("");
      placeholder.setText(
          model.loadingPack.get()
              ? "Loading the model pack…"
              : model.engine.get() == null
                  ? "No model pack loaded.\nFile > Open model pack… to choose one."
                  : "Type a prompt below and press Enter,\nor drop a photo or video here.");
      placeholder.setVisible(true);
      return;
    }
    placeholder.setVisible(false);
    show(frames.get(i));
    caption.setText(
        String.format(
            Locale.ROOT, "frame %d / %d   %.2f s", i, frames.size(), frames.get(i).time()));
  }

  /** Copies the frame's pixels into the shared buffer; the image redraws on the next pulse. */
  private void show(Frame frame) {
    if (frame == shown) {
      return;
    }
    if (buffer == null
        || buffer.getWidth() != frame.width()
        || buffer.getHeight() != frame.height()) {
      buffer =
          new PixelBuffer<>(
              frame.width(),
              frame.height(),
              IntBuffer.allocate(frame.width() * frame.height()),
              PixelFormat.getIntArgbPreInstance());
      image = new WritableImage(buffer);
      view.setImage(image);
    }
    IntBuffer pixels = buffer.getBuffer();
    pixels.clear();
    pixels.put(frame.argb());
    pixels.rewind();
    buffer.updateBuffer(b -> null);
    if (view.getImage() != image) {
      view.setImage(image);
    }
    shown = frame;
  }

  /** The frame on screen, or null (for tests and the caption). */
  Frame shownFrame() {
    return shown;
  }

  WritableImage image() {
    return image;
  }
}
