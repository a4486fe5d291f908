package studio.causvid.app.ui;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitMenuButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.util.Duration;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
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
  private final ScrollBar hbar = new ScrollBar();
  private final Slider zoom = new Slider(20, 600, 120);
  private final TextField cueText = new TextField();
  private final Map<Frame, Image> thumbs = new WeakHashMap<>();
  private final Map<PromptCue, Label> cueLabels = new HashMap<>();

  /** The timeline's x (pixels from 0 s) at the viewport's left edge. */
  private double offset;

  private static final long GENERATING_REDRAW_NANOS = 100_000_000L;

  private boolean redrawPending;
  private long lastRedraw;
  private boolean syncingBar;

  /**
   * The Extend button's action, by {@code model.extendSeconds}; the window sets it (it needs the
   * prompt bar's text).
   */
  Runnable onExtend = () -> {};

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
    cueText.setOnKeyPressed(
        e -> {
          if (e.getCode() == KeyCode.ESCAPE) {
            // Cancel the edit: the segment's own text back, and the keys back to the timeline.
            PromptCue sel = selectedCue();
            cueText.setText(sel == null ? "" : sel.text());
            requestFocus();
            e.consume();
          }
        });
    HBox.setHgrow(cueText, Priority.ALWAYS);
    Button regenerate =
        Icons.decorate(
            new Button("Regenerate from playhead"),
            MaterialDesignR.REFRESH,
            "Keep the blocks before the playhead, re-roll the rest with the timeline's prompts and a new seed");
    regenerate.setId("regenerate");
    regenerate.disableProperty().bind(model.generating.or(model.engine.isNull()));
    regenerate.setOnAction(e -> controller.regenerateFromPlayhead());
    SplitMenuButton extend = new SplitMenuButton();
    extend.setGraphic(Icons.icon(MaterialDesignA.ARROW_EXPAND_RIGHT));
    extend.textProperty().bind(Bindings.format(Locale.ROOT, "Extend %.0f s", model.extendSeconds));
    extend.setTooltip(
        new Tooltip(
            "Continue the clip from its end, with the prompt bar's text if any, else the"
                + " timeline's prompts (Ctrl+E); the arrow picks how far"));
    // The amount in use is the checked one (a saved choice too, StudioPreferences).
    ToggleGroup amounts = new ToggleGroup();
    for (double seconds : StudioController.EXTEND_CHOICES) {
      RadioMenuItem by = new RadioMenuItem(StudioController.extendByLabel(seconds));
      by.setToggleGroup(amounts);
      by.setUserData(seconds);
      by.setOnAction(
          e -> {
            // The choice stays for the button and Ctrl+E, as the last-used amount.
            model.extendSeconds.set(seconds);
            onExtend.run();
          });
      extend.getItems().add(by);
    }
    Runnable checkTheAmountInUse =
        () ->
            amounts
                .getToggles()
                .forEach(t -> t.setSelected(model.extendSeconds.get() == (double) t.getUserData()));
    checkTheAmountInUse.run();
    model.extendSeconds.addListener(o -> checkTheAmountInUse.run());
    extend.setId("extend");
    extend.disableProperty().bind(model.generating.or(model.engine.isNull()));
    extend.setOnAction(e -> onExtend.run());
    Label zoomIcon = new Label(null, Icons.icon(MaterialDesignM.MAGNIFY_PLUS));
    zoom.setId("timeline-zoom");
    zoom.setTooltip(new Tooltip("Zoom the timeline (or Ctrl + mouse wheel)"));
    zoom.setPrefWidth(120);
    HBox tools = new HBox(6, split, delete, cueText, regenerate, extend, zoomIcon, zoom);
    tools.setAlignment(Pos.CENTER_LEFT);
    tools.setPadding(new Insets(4, 6, 4, 6));
    tools.getStyleClass().add("timeline-tools");

    ruler.getStyleClass().add("ruler");
    ruler.setHeight(RULER);
    track.setLayoutY(RULER);
    track.setHeight(TRACK);
    cuePane.setLayoutY(RULER + TRACK + 2);
    cuePane.setPrefHeight(CUES);
    cuePane.getStyleClass().add("cue-track");
    playhead.getStyleClass().add("playhead");
    playhead.setStartY(0);
    playhead.setEndY(RULER + TRACK + CUES + 4);
    playhead.setMouseTransparent(true);
    lane.getChildren().addAll(ruler, track, cuePane, playhead);
    // The lane is as wide as the window gives it; its canvases never ask for more.
    lane.setMinSize(0, RULER + TRACK + CUES + 6);
    lane.setPrefSize(0, RULER + TRACK + CUES + 6);
    Rectangle clip = new Rectangle();
    clip.widthProperty().bind(lane.widthProperty());
    clip.heightProperty().bind(lane.heightProperty());
    lane.setClip(clip);
    lane.getStyleClass().add("timeline-lane");
    lane.setOnMousePressed(this::scrub);
    lane.setOnMouseDragged(this::scrub);
    lane.setOnScroll(
        e -> {
          if (e.isControlDown()) {
            zoom.setValue(zoom.getValue() * (e.getDeltaY() > 0 ? 1.2 : 1 / 1.2));
          } else {
            scrollTo(offset - (e.getDeltaX() != 0 ? e.getDeltaX() : e.getDeltaY()));
          }
          e.consume();
        });
    lane.widthProperty().addListener((o, a, b) -> requestRedraw());
    hbar.setId("timeline-scroll");
    hbar.setOrientation(Orientation.HORIZONTAL);
    hbar.setUnitIncrement(40);
    hbar.valueProperty()
        .addListener(
            (o, a, b) -> {
              if (!syncingBar) {
                scrollTo(b.doubleValue());
              }
            });
    VBox.setVgrow(lane, Priority.ALWAYS);
    getChildren().addAll(tools, lane, hbar);

    model.document.addListener((o, a, b) -> requestRedraw());
    model.format.addListener((o, a, b) -> requestRedraw());
    model.selectedCue.addListener((o, a, b) -> requestRedraw());
    zoom.valueProperty()
        .addListener(
            (o, a, b) -> {
              // Keep the same moment at the viewport's left edge.
              offset = offset * b.doubleValue() / a.doubleValue();
              requestRedraw();
            });
    model.playhead.addListener((o, a, b) -> placePlayhead(true));
    model.darkTheme.addListener((o, a, b) -> requestRedraw());
    requestRedraw();
  }

  double pixelsPerSecond() {
    return zoom.getValue();
  }

  /** The timeline's x (pixels from 0 s) at the viewport's left edge. */
  double scrollOffset() {
    return offset;
  }

  private void scrollTo(double x) {
    if (x != offset) {
      offset = x;
      requestRedraw();
    }
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
   * Coalesces redraws: any number of changes within a pulse cost one redraw of the viewport. While
   * generating, the filmstrip is redrawn at most ten times a second: a redraw is cheap for the FX
   * thread, but repainting the track every pulse (software pipeline, busy CPU) delays the preview.
   */
  private void requestRedraw() {
    if (redrawPending) {
      return;
    }
    redrawPending = true;
    long wait =
        model.generating.get() ? lastRedraw + GENERATING_REDRAW_NANOS - System.nanoTime() : 0;
    if (wait <= 0) {
      Platform.runLater(this::redrawNow);
    } else {
      PauseTransition delay = new PauseTransition(Duration.millis(wait / 1e6));
      delay.setOnFinished(e -> redrawNow());
      delay.play();
    }
  }

  private void redrawNow() {
    redrawPending = false;
    lastRedraw = System.nanoTime();
    redraw();
  }

  /**
   * Draws only what is in the viewport: the canvases are the viewport's size whatever the clip's
   * length, so a redraw costs the same for a second of video as for an hour.
   */
  private void redraw() {
    double pps = pixelsPerSecond();
    double viewW = lane.getWidth();
    double contentW = durationSeconds() * pps + 60;
    double maxOffset = Math.max(0, contentW - viewW);
    offset = Math.max(0, Math.min(maxOffset, offset));
    syncingBar = true;
    hbar.setMax(maxOffset);
    hbar.setVisibleAmount(contentW > 0 ? maxOffset * viewW / contentW : 0);
    hbar.setBlockIncrement(Math.max(40, viewW * 0.8));
    hbar.setValue(offset);
    hbar.setDisable(maxOffset == 0);
    syncingBar = false;
    if (viewW <= 0) {
      return;
    }
    ruler.setWidth(viewW);
    track.setWidth(viewW);
    drawRuler(pps, viewW);
    drawTrack(pps, viewW);
    layoutCues(pps, viewW);
    placePlayhead(false);
  }

  private boolean dark() {
    return model.darkTheme.get();
  }

  private void drawRuler(double pps, double viewW) {
    GraphicsContext g = ruler.getGraphicsContext2D();
    g.setFill(dark() ? Color.web("#1f232a") : Color.web("#e9ecf1"));
    g.fillRect(0, 0, viewW, RULER);
    Color ink = dark() ? Color.web("#aab2bf") : Color.web("#4a5160");
    g.setFill(ink);
    g.setFont(Font.font(10));
    double first = offset / pps;
    double last = Math.min(durationSeconds(), (offset + viewW) / pps);
    double blockSeconds = controller.blockSeconds();
    for (long k = (long) Math.floor(first / blockSeconds); k * blockSeconds <= last + 1e-9; k++) {
      verticalLine(g, k * blockSeconds * pps - offset, RULER - 5, RULER);
    }
    double step = pps >= 60 ? 1 : pps >= 20 ? 5 : 10;
    // From one label back, so a label cut by the left edge still shows its tail.
    for (long k = Math.max(0, (long) Math.floor(first / step) - 1); k * step <= last + 1e-9; k++) {
      double x = verticalLine(g, k * step * pps - offset, 2, RULER);
      g.fillText(((long) (k * step)) + " s", x + 3.5, 12);
    }
  }

  /**
   * A one-pixel vertical line in the fill colour at the pixel column nearest {@code x}; returns
   * that column. A filled pixel-aligned rectangle, not a stroked line: the same pixels, but the
   * software renderer fills it directly, where a stroke goes through the anti-aliasing rasteriser
   * once per line (~160 per redraw for a 20 s clip: ruler ticks and block lines). The render
   * thread's samples in the longest pulses were in those strokes; filled, a steered 20 s generation
   * ran with p99 pulse gaps of 27.5 ms instead of 29.2 and at 45 frames/s instead of 41 (bench-ui,
   * ten alternated pairs).
   */
  private static double verticalLine(GraphicsContext g, double x, double y0, double y1) {
    double column = Math.round(x);
    g.fillRect(column, y0, 1, y1 - y0);
    return column;
  }

  private void drawTrack(double pps, double viewW) {
    GraphicsContext g = track.getGraphicsContext2D();
    g.setFill(dark() ? Color.web("#14171c") : Color.web("#d5d9e0"));
    g.fillRect(0, 0, viewW, TRACK);
    List<Frame> frames = model.frames();
    ClipFormat format = model.format.get();
    int fps = fps();
    double aspect = format == null ? 1 : format.width() / (double) format.height();
    if (!frames.isEmpty()) {
      aspect = frames.get(0).width() / (double) frames.get(0).height();
    }
    double thumbW = Math.max(8, (TRACK - 4) * aspect);
    double clipEnd = frames.size() / (double) fps * pps;
    double viewEnd = Math.min(clipEnd, offset + viewW);
    // Filmstrip: each slot shows the frame at its left edge's time, so thumbnails fill in live.
    for (long k = (long) Math.floor(offset / thumbW); k * thumbW < viewEnd; k++) {
      double x = k * thumbW;
      int i = (int) Math.floor(x / pps * fps);
      if (i >= frames.size()) {
        break;
      }
      double w = Math.min(thumbW, clipEnd - x);
      Image img = thumb(frames.get(i));
      double sw = img.getWidth() * (w / thumbW);
      g.drawImage(img, 0, 0, sw, img.getHeight(), x - offset, 2, w, TRACK - 4);
    }
    // Block boundaries: where prompts can change and regeneration can start.
    double blockSeconds = controller.blockSeconds();
    g.setFill(dark() ? Color.web("#ffffff", 0.35) : Color.web("#000000", 0.3));
    for (long k = (long) Math.floor(offset / pps / blockSeconds);
        k * blockSeconds * pps <= offset + viewW;
        k++) {
      verticalLine(g, k * blockSeconds * pps - offset, 0, TRACK);
    }
    Document d = model.doc();
    if (d.source() == Source.VIDEO && d.sourceFrames() > 0) {
      double x = d.sourceFrames() / (double) fps * pps - offset;
      if (x > 0) {
        g.setFill(Color.web("#3b82f6", 0.25));
        g.fillRect(0, 0, Math.min(x, viewW), 4);
      }
    }
  }

  /**
   * The frame as a filmstrip thumbnail, made once per frame (box-filtered down to the track's
   * height) so that a redraw only copies small images.
   */
  private Image thumb(Frame frame) {
    return thumbs.computeIfAbsent(frame, TimelineView::thumbnail);
  }

  static Image thumbnail(Frame f) {
    int sw = f.width();
    int sh = f.height();
    int th = Math.min(sh, (int) (TRACK - 4));
    int tw = Math.max(1, (int) Math.round(th * sw / (double) sh));
    int[] src = f.argb();
    int[] out = new int[tw * th];
    for (int y = 0; y < th; y++) {
      int y0 = y * sh / th;
      int y1 = Math.max(y0 + 1, (y + 1) * sh / th);
      for (int x = 0; x < tw; x++) {
        int x0 = x * sw / tw;
        int x1 = Math.max(x0 + 1, (x + 1) * sw / tw);
        int r = 0;
        int gr = 0;
        int b = 0;
        for (int yy = y0; yy < y1; yy++) {
          for (int xx = x0; xx < x1; xx++) {
            int p = src[yy * sw + xx];
            r += (p >> 16) & 0xff;
            gr += (p >> 8) & 0xff;
            b += p & 0xff;
          }
        }
        int n = (y1 - y0) * (x1 - x0);
        out[y * tw + x] = 0xff000000 | (r / n) << 16 | (gr / n) << 8 | (b / n);
      }
    }
    WritableImage img = new WritableImage(tw, th);
    img.getPixelWriter().setPixels(0, 0, tw, th, PixelFormat.getIntArgbInstance(), out, 0, tw);
    return img;
  }

  /**
   * Places a label for each prompt segment that reaches into the viewport, cut to it; labels are
   * made once per cue and reused while the view scrolls or the clip grows.
   */
  private void layoutCues(double pps, double viewW) {
    List<PromptCue> cues = model.doc().cues();
    double end = durationSeconds();
    List<Label> visible = new ArrayList<>();
    Map<PromptCue, Label> kept = new HashMap<>();
    for (int k = 0; k < cues.size(); k++) {
      PromptCue c = cues.get(k);
      double start = controller.blockStart(c.block()) * pps;
      double stop =
          (k + 1 < cues.size()
                  ? controller.blockStart(cues.get(k + 1).block())
                  : Math.max(end, controller.blockStart(c.block() + 1)))
              * pps;
      if (stop < offset || start > offset + viewW) {
        continue;
      }
      Label seg = cueLabels.get(c);
      if (seg == null) {
        seg = newSegment(c);
      }
      kept.put(c, seg);
      double left = Math.max(start, offset - 2);
      double right = Math.min(stop, offset + viewW + 2);
      seg.setLayoutX(left - offset + 1);
      seg.setPrefWidth(Math.max(12, right - left - 2));
      boolean selected = c.block() == model.selectedCue.get();
      if (selected != seg.getStyleClass().contains("selected")) {
        if (selected) {
          seg.getStyleClass().add("selected");
        } else {
          seg.getStyleClass().remove("selected");
        }
      }
      visible.add(seg);
    }
    cueLabels.clear();
    cueLabels.putAll(kept);
    if (!cuePane.getChildren().equals(visible)) {
      cuePane.getChildren().setAll(visible);
    }
  }

  private Label newSegment(PromptCue c) {
    Label seg = new Label(c.text());
    seg.getStyleClass().add("prompt-segment");
    seg.setUserData(c);
    seg.setLayoutY(2);
    seg.setMinWidth(Region.USE_PREF_SIZE);
    seg.setMaxWidth(Region.USE_PREF_SIZE);
    seg.setPrefHeight(CUES - 4);
    seg.setTooltip(
        new Tooltip(
            "Block "
                + c.block()
                + ": \""
                + c.text()
                + "\"\nClick to select, drag to move to another block, double-click to edit,"
                + " right-click for more"));
    attachCueMouse(seg, c);
    seg.setContextMenu(segmentMenu(c));
    return seg;
  }

  /** A segment's right-click menu: what can be done to it, without hunting for the buttons. */
  private ContextMenu segmentMenu(PromptCue c) {
    MenuItem edit = new MenuItem("Edit text");
    edit.setOnAction(
        e -> {
          model.selectedCue.set(c.block());
          cueText.setText(c.text());
          cueText.requestFocus();
          cueText.selectAll();
        });
    MenuItem regenerate = new MenuItem("Regenerate from here");
    regenerate.setOnAction(
        e -> {
          model.playhead.set(c.block() * controller.framesPerBlock());
          model.clampPlayhead();
          controller.regenerateFromPlayhead();
        });
    regenerate.disableProperty().bind(model.generating);
    MenuItem delete = new MenuItem("Delete");
    delete.setOnAction(e -> controller.deleteCue(c.block()));
    ContextMenu menu = new ContextMenu(edit, regenerate, delete);
    menu.setId("segment-menu");
    return menu;
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
          } else {
            requestFocus(); // so that Delete deletes the segment, not a character of the prompt
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
            double seconds = controller.blockStart(c.block()) + dx / pixelsPerSecond();
            int block = controller.nearestBlock(seconds);
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
    int frame = (int) Math.floor((e.getX() + offset) / pixelsPerSecond() * fps());
    model.playhead.set(Math.max(0, Math.min(n - 1, frame)));
  }

  /** Moves the playhead line; with {@code follow}, scrolls so that it stays in view. */
  private void placePlayhead(boolean follow) {
    double x = Math.round(model.playhead.get() / (double) fps() * pixelsPerSecond()) + 0.5;
    double viewW = lane.getWidth();
    if (follow && viewW > 0 && (x < offset || x > offset + viewW - 20)) {
      scrollTo(Math.max(0, x - viewW / 2));
    }
    playhead.setStartX(x - offset);
    playhead.setEndX(x - offset);
    playhead.setVisible(!model.frames().isEmpty() && x >= offset && x <= offset + viewW);
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

  /** The prompt segment labels in the viewport, left to right (for tests and screenshots). */
  List<Label> segments() {
    return cuePane.getChildren().stream().map(n -> (Label) n).toList();
  }
}
