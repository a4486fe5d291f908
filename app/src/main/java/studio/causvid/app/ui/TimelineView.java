package studio.causvid.app.ui;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.text.Font;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignD;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import studio.causvid.app.project.ClipFormat;
import studio.causvid.app.project.Document;
import studio.causvid.app.project.PromptCue;
import studio.causvid.app.project.Source;
import studio.causvid.engine.generate.Frame;

/**
 * The timeline: a ruler in seconds, a video track whose thumbnails fill in as frames arrive, a
 * prompt track of segments that snap to block boundaries, and the playhead.
 */
final class TimelineView extends VBox {
  static final double RULER = 22;
  static final double TRACK = 54;
  static final double CUES = 30;

  private final StudioModel model;
  private final StudioController controller;
  private final Canvas ruler = new Canvas();
  private final Canvas track = new Canvas();
  private final Pane cuePane = new Pane();
  private final Pane lane = new Pane();
  private final Line playhead = new Line();
  private final ScrollPane scroll = new ScrollPane(lane);
  private final Slider zoom = new Slider(20, 600, 120);
  private final TextField cueText = new TextField();
  private final Map<Frame, Image> thumbs = new WeakHashMap<>();
  private boolean redrawPending;
  private long lastRedraw;

  TimelineView(StudioModel model, StudioController controller) {
    this.model = model;
    this.controller = controller;
    getStyleClass().add("timeline");
    setId("timeline");

    Button split =
        Icons.decorate(
            new Button("Split"),
            MaterialDesignC.CONTENT_CUT,
            "Split the prompt at the playhead's block");
    split.setId("split-cue");
    split.setOnAction(e -> controller.splitAtPlayhead());
    Button delete =
        Icons.decorate(new Button(), MaterialDesignD.DELETE, "Delete the selected prompt segment");
    delete.setId("delete-cue");
    delete.disableProperty().bind(model.selectedCue.lessThan(0));
    delete.setOnAction(e -> controller.deleteCue(model.selectedCue.get()));
    cueText.setId("cue-text");
    cueText.setPromptText("Select a prompt segment to edit its text");
    cueText.setTooltip(new Tooltip("The selected segment's prompt; Enter applies the change"));
    cueText.disableProperty().bind(model.selectedCue.lessThan(0));
    cueText.setOnAction(e -> controller.editCueText(model.selectedCue.get(), cueText.getText()));
    HBox.setHgrow(cueText, Priority.ALWAYS);
    Button regenerate =
        Icons.decorate(
            new Button("Regenerate from playhead"),
            MaterialDesignR.REFRESH,
            "Keep the blocks before the playhead, re-roll the rest with the timeline's prompts and a new seed");
    regenerate.setId("regenerate");
    regenerate.disableProperty().bind(model.generating.or(model.engine.isNull()));
    regenerate.setOnAction(e -> controller.regenerateFromPlayhead());
    Label zoomIcon = new Label(null, Icons.icon(MaterialDesignM.MAGNIFY_PLUS));
    zoom.setId("timeline-zoom");
    zoom.setTooltip(new Tooltip("Zoom the timeline (or Ctrl + mouse wheel)"));
    zoom.setPrefWidth(120);
    HBox tools = new HBox(6, split, delete, cueText, regenerate, zoomIcon, zoom);
    tools.setAlignment(Pos.CENTER_LEFT);
    tools.setPadding(new Insets(4, 6, 4, 6));
    tools.getStyleClass().add("timeline-tools");

    ruler.getStyleClass().add("ruler");
    track.setLayoutY(RULER);
    cuePane.setLayoutY(RULER + TRACK + 2);
    cuePane.setPrefHeight(CUES);
    cuePane.getStyleClass().add("cue-track");
    playhead.getStyleClass().add("playhead");
    playhead.setStartY(0);
    playhead.setEndY(RULER + TRACK + CUES + 4);
    playhead.setMouseTransparent(true);
    lane.getChildren().addAll(ruler, track, cuePane, playhead);
    lane.setMinHeight(RULER + TRACK + CUES + 6);
    lane.getStyleClass().add("timeline-lane");
    lane.setOnMousePressed(this::scrub);
    lane.setOnMouseDragged(this::scrub);
    lane.setOnScroll(
        e -> {
          if (e.isControlDown()) {
            zoom.setValue(zoom.getValue() * (e.getDeltaY() > 0 ? 1.2 : 1 / 1.2));
            e.consume();
          }
        });
    scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
    scroll.setFitToHeight(true);
    scroll.setPrefViewportHeight(RULER + TRACK + CUES + 8);
    scroll.getStyleClass().add("timeline-scroll");
    VBox.setVgrow(scroll, Priority.ALWAYS);
    getChildren().addAll(tools, scroll);

    model.document.addListener((o, a, b) -> requestRedraw());
    model.format.addListener((o, a, b) -> requestRedraw());
    model.selectedCue.addListener((o, a, b) -> requestRedraw());
    zoom.valueProperty().addListener((o, a, b) -> requestRedraw());
    model.playhead.addListener((o, a, b) -> placePlayhead(true));
    model.darkTheme.addListener((o, a, b) -> requestRedraw());
    requestRedraw();
  }

  double pixelsPerSecond() {
    return zoom.getValue();
  }

  private int fps() {
    return controller.fps();
  }

  private int framesPerBlock() {
    return controller.framesPerBlock();
  }

  private double durationSeconds() {
    Document d = model.doc();
    int f = framesPerBlock();
    int sourceBlocks = d.source() == Source.VIDEO ? d.sourceFrames() / f : 0;
    int planned = (sourceBlocks + d.blocks()) * f;
    return Math.max(d.frames().size(), planned) / (double) fps();
  }

  /**
   * Coalesces redraws: many changes within a pulse cost one redraw, and while generating the (wide)
   * canvases are redrawn at most ten times a second so the FX thread stays free to draw.
   */
  private void requestRedraw() {
    if (redrawPending) {
      return;
    }
    redrawPending = true;
    long wait =
        model.generating.get() ? Math.max(0, lastRedraw + 100_000_000L - System.nanoTime()) : 0;
    Runnable go =
        () -> {
          redrawPending = false;
          lastRedraw = System.nanoTime();
          redraw();
        };
    if (wait == 0) {
      javafx.application.Platform.runLater(go);
    } else {
      javafx.animation.PauseTransition delay =
          new javafx.animation.PauseTransition(javafx.util.Duration.millis(wait / 1e6));
      delay.setOnFinished(e -> go.run());
      delay.play();
    }
  }

  private void redraw() {
    double pps = pixelsPerSecond();
    double width = Math.min(16000, durationSeconds() * pps + 60);
    lane.setPrefWidth(width);
    lane.setMinWidth(width);
    ruler.setWidth(width);
    ruler.setHeight(RULER);
    track.setWidth(width);
    track.setHeight(TRACK);
    drawRuler(pps, width);
    drawTrack(pps, width);
    layoutCues(pps, width);
    placePlayhead(false);
  }

  private boolean dark() {
    return model.darkTheme.get();
  }

  private void drawRuler(double pps, double width) {
    GraphicsContext g = ruler.getGraphicsContext2D();
    g.setFill(dark() ? Color.web("#1f232a") : Color.web("#e9ecf1"));
    g.fillRect(0, 0, width, RULER);
    Color ink = dark() ? Color.web("#aab2bf") : Color.web("#4a5160");
    g.setStroke(ink);
    g.setFill(ink);
    g.setFont(Font.font(10));
    double blockSeconds = framesPerBlock() / (double) fps();
    double duration = durationSeconds();
    for (double t = 0; t <= duration + 1e-9; t += blockSeconds) {
      double x = Math.round(t * pps) + 0.5;
      g.strokeLine(x, RULER - 5, x, RULER);
    }
    double step = pps >= 60 ? 1 : pps >= 20 ? 5 : 10;
    for (double t = 0; t <= duration + 1e-9; t += step) {
      double x = Math.round(t * pps) + 0.5;
      g.strokeLine(x, 2, x, RULER);
      g.fillText(((int) t) + " s", x + 3, 12);
    }
  }

  private void drawTrack(double pps, double width) {
    GraphicsContext g = track.getGraphicsContext2D();
    g.setFill(dark() ? Color.web("#14171c") : Color.web("#d5d9e0"));
    g.fillRect(0, 0, width, TRACK);
    List<Frame> frames = model.frames();
    ClipFormat format = model.format.get();
    int fps = fps();
    double aspect = format == null ? 1 : format.width() / (double) format.height();
    if (!frames.isEmpty()) {
      aspect = frames.get(0).width() / (double) frames.get(0).height();
    }
    double thumbW = Math.max(8, (TRACK - 4) * aspect);
    double clipEnd = frames.size() / (double) fps * pps;
    // Filmstrip: each slot shows the frame at its left edge's time, so thumbnails fill in live.
    for (double x = 0; x < clipEnd; x += thumbW) {
      int i = (int) Math.floor(x / pps * fps);
      if (i >= frames.size()) {
        break;
      }
      double w = Math.min(thumbW, clipEnd - x);
      Image img = thumb(frames.get(i));
      double sw = img.getWidth() * (w / thumbW);
      g.drawImage(img, 0, 0, sw, img.getHeight(), x, 2, w, TRACK - 4);
    }
    // Block boundaries: where prompts can change and regeneration can start.
    double blockSeconds = framesPerBlock() / (double) fps;
    g.setStroke(dark() ? Color.web("#ffffff", 0.35) : Color.web("#000000", 0.3));
    g.setLineWidth(1);
    for (double t = 0; t * pps <= width; t += blockSeconds) {
      double x = Math.round(t * pps) + 0.5;
      g.strokeLine(x, 0, x, TRACK);
    }
    Document d = model.doc();
    if (d.source() == Source.VIDEO && d.sourceFrames() > 0) {
      double x = d.sourceFrames() / (double) fps * pps;
      g.setFill(Color.web("#3b82f6", 0.25));
      g.fillRect(0, 0, x, 4);
    }
  }

  private Image thumb(Frame frame) {
    return thumbs.computeIfAbsent(
        frame,
        f -> {
          WritableImage img = new WritableImage(f.width(), f.height());
          img.getPixelWriter()
              .setPixels(
                  0,
                  0,
                  f.width(),
                  f.height(),
                  PixelFormat.getIntArgbInstance(),
                  f.argb(),
                  0,
                  f.width());
          return img;
        });
  }

  private void layoutCues(double pps, double width) {
    cuePane.getChildren().clear();
    cuePane.setPrefWidth(width);
    List<PromptCue> cues = model.doc().cues();
    double blockSeconds = framesPerBlock() / (double) fps();
    double end = durationSeconds();
    for (int k = 0; k < cues.size(); k++) {
      PromptCue c = cues.get(k);
      double start = c.block() * blockSeconds;
      double stop =
          k + 1 < cues.size()
              ? cues.get(k + 1).block() * blockSeconds
              : Math.max(end, start + blockSeconds);
      Label seg = new Label(c.text());
      seg.getStyleClass().add("prompt-segment");
      if (c.block() == model.selectedCue.get()) {
        seg.getStyleClass().add("selected");
      }
      seg.setUserData(c);
      seg.setLayoutX(start * pps + 1);
      seg.setLayoutY(2);
      seg.setPrefWidth(Math.max(12, (stop - start) * pps - 2));
      seg.setMinWidth(Region.USE_PREF_SIZE);
      seg.setMaxWidth(Region.USE_PREF_SIZE);
      seg.setPrefHeight(CUES - 4);
      seg.setTooltip(
          new Tooltip(
              "Block "
                  + c.block()
                  + ": \""
                  + c.text()
                  + "\"\nClick to select, drag to move to another block, double-click to edit"));
      attachCueMouse(seg, c);
      cuePane.getChildren().add(seg);
    }
  }

  private void attachCueMouse(Label seg, PromptCue c) {
    double[] press = new double[1];
    seg.setOnMousePressed(
        e -> {
          press[0] = e.getSceneX();
          model.selectedCue.set(c.block());
          cueText.setText(c.text());
          if (e.getClickCount() == 2) {
            cueText.requestFocus();
            cueText.selectAll();
          }
          e.consume();
        });
    seg.setOnMouseDragged(
        e -> {
          if (c.block() > 0) {
            seg.setTranslateX(e.getSceneX() - press[0]);
          }
          e.consume();
        });
    seg.setOnMouseReleased(
        e -> {
          double dx = e.getSceneX() - press[0];
          seg.setTranslateX(0);
          if (c.block() > 0 && Math.abs(dx) > 3) {
            double seconds = (seg.getLayoutX() + dx) / pixelsPerSecond();
            int block = (int) Math.round(seconds * fps() / framesPerBlock());
            controller.moveCue(c.block(), Math.max(1, block));
          }
          e.consume();
        });
  }

  private void scrub(MouseEvent e) {
    if (e.getButton() != MouseButton.PRIMARY || e.getY() > RULER + TRACK) {
      return;
    }
    int n = model.frames().size();
    if (n == 0) {
      return;
    }
    model.playing.set(false);
    int frame = (int) Math.floor(e.getX() / pixelsPerSecond() * fps());
    model.playhead.set(Math.max(0, Math.min(n - 1, frame)));
  }

  private void placePlayhead(boolean follow) {
    double x = Math.round(model.playhead.get() / (double) fps() * pixelsPerSecond()) + 0.5;
    playhead.setStartX(x);
    playhead.setEndX(x);
    playhead.setVisible(!model.frames().isEmpty());
    if (follow) {
      double viewW = scroll.getViewportBounds().getWidth();
      double laneW = lane.getWidth();
      if (laneW > viewW && viewW > 0) {
        double left = scroll.getHvalue() * (laneW - viewW);
        if (x < left || x > left + viewW - 20) {
          scroll.setHvalue(Math.max(0, Math.min(1, (x - viewW / 2) / (laneW - viewW))));
        }
      }
    }
    // Keep the selected cue's text in sync after undo/redo.
    PromptCue sel = selectedCue();
    if (sel != null && !cueText.isFocused()) {
      cueText.setText(sel.text());
    }
  }

  private PromptCue selectedCue() {
    for (PromptCue c : model.doc().cues()) {
      if (c.block() == model.selectedCue.get()) {
        return c;
      }
    }
    return null;
  }

  /** The prompt segment labels on screen (for tests and screenshots). */
  List<Label> segments() {
    return cuePane.getChildren().stream().map(n -> (Label) n).toList();
  }
}
