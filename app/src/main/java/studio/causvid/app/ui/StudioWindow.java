package studio.causvid.app.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.event.ActionEvent;
import javafx.geometry.Orientation;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;
import org.controlsfx.control.StatusBar;
import org.controlsfx.control.action.Action;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignI;
import org.kordamp.ikonli.materialdesign2.MaterialDesignK;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;
import org.kordamp.ikonli.materialdesign2.MaterialDesignU;
import studio.causvid.app.ModelLocator;
import studio.causvid.app.project.ProjectFile;

/** The studio window: menus, transport, preview, inspector, timeline, prompt bar and status bar. */
public final class StudioWindow {
  static final String THEME_DARK = "/studio/causvid/ui/theme-dark.css";
  static final String THEME_LIGHT = "/studio/causvid/ui/theme-light.css";
  static final String BASE = "/studio/causvid/ui/studio.css";

  private final Stage stage;
  private final StudioModel model;
  private final StudioController controller;
  private final PreviewView preview;
  private final TimelineView timeline;
  private final PromptBar promptBar;
  private final NotificationPane notifications;
  private final MenuBar menuBar;

  /**
   * Where the menus live in the desktop's own menu bar (macOS), it fires their shortcuts whatever
   * has the focus, so the key filter leaves them to it rather than fire each twice.
   */
  private static final boolean MENUS_IN_THE_SYSTEM_BAR =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");

  private final Scene scene;
  private final UnsavedWorkGuard unsaved;
  private ExportDialog exportDialog;

  public StudioWindow(Stage stage, StudioController controller) {
    this.stage = stage;
    this.controller = controller;
    this.model = controller.model();
    controller.packChooser = this::choosePack;
    unsaved = new UnsavedWorkGuard(stage, model, controller, this::chooseSaveTarget);

    preview = new PreviewView(model);
    timeline = new TimelineView(model, controller);
    promptBar = new PromptBar(model, controller);
    timeline.onExtend = this::extend;
    InspectorView inspector = new InspectorView(model, controller, this::choosePack);

    BorderPane previewArea = new BorderPane(preview);
    previewArea.setBottom(promptBar);
    previewArea.getStyleClass().add("preview-area");
    SplitPane top = new SplitPane(previewArea, inspector);
    top.setDividerPositions(0.74);
    SplitPane.setResizableWithParent(inspector, false);
    SplitPane main = new SplitPane(top, timeline);
    main.setOrientation(Orientation.VERTICAL);
    main.setDividerPositions(0.7);
    SplitPane.setResizableWithParent(timeline, false);

    notifications = new NotificationPane(main);
    notifications.setId("notifications");
    notifications.setShowFromTop(true);
    notifications.getStyleClass().add(NotificationPane.STYLE_CLASS_DARK);
    model.problem.addListener((o, a, p) -> showProblem(p));

    BorderPane root = new BorderPane(notifications);
    root.getStyleClass().add("studio-root");
    menuBar = menus();
    root.setTop(new VBox(menuBar, transport()));
    root.setBottom(statusBar());

    StudioPreferences.Window placement = WindowPlacement.onScreens(model.window.get(), screens());
    scene = new Scene(root, placement.width(), placement.height());
    applyTheme();
    model.darkTheme.addListener((o, a, b) -> applyTheme());
    installKeys();
    installDrop(preview);
    installDrop(timeline);

    stage.setScene(scene);
    stage.setMinWidth(760);
    stage.setMinHeight(520);
    stage
        .titleProperty()
        .bind(
            Bindings.createStringBinding(
                () -> (model.dirty.get() ? "• " : "") + model.projectName() + " — CausVid Studio",
                model.dirty,
                model.projectPath));
    if (placement.placed()) {
      stage.setX(placement.x());
      stage.setY(placement.y());
    }
    stage.setMaximized(placement.maximized());
    stage.setOnCloseRequest(
        e -> {
          if (model.hasUnsavedWork()) {
            e.consume(); // closed by quit(), once the work is saved or the user lets it go
            unsaved.whenSafe("closing", this::quit);
          } else {
            rememberPlacement();
            controller.shutdown();
          }
        });
    // One the controller found before the window existed (unreadable settings).
    if (model.problem.get() != null) {
      showProblem(model.problem.get());
    }
  }

  /** The desktop's screens' visual bounds, the primary first. */
  private static List<Rectangle2D> screens() {
    List<Rectangle2D> bounds = new ArrayList<>();
    bounds.add(Screen.getPrimary().getVisualBounds());
    for (Screen s : Screen.getScreens()) {
      if (!s.equals(Screen.getPrimary())) {
        bounds.add(s.getVisualBounds());
      }
    }
    return bounds;
  }

  /**
   * Records the window's place and size for the next start; maximized, those it had before, to
   * return to when it is unmaximized then.
   */
  void rememberPlacement() {
    StudioPreferences.Window was = model.window.get();
    model.window.set(
        stage.isMaximized()
            ? new StudioPreferences.Window(was.x(), was.y(), was.width(), was.height(), true)
            : new StudioPreferences.Window(
                stage.getX(), stage.getY(), scene.getWidth(), scene.getHeight(), false));
  }

  public StudioController controller() {
    return controller;
  }

  public Stage stage() {
    return stage;
  }

  public Scene scene() {
    return scene;
  }

  PreviewView preview() {
    return preview;
  }

  TimelineView timeline() {
    return timeline;
  }

  PromptBar promptBar() {
    return promptBar;
  }

  NotificationPane notifications() {
    return notifications;
  }

  ExportDialog exportDialog() {
    return exportDialog;
  }

  private void applyTheme() {
    scene
        .getStylesheets()
        .setAll(
            getClass().getResource(BASE).toExternalForm(),
            getClass()
                .getResource(model.darkTheme.get() ? THEME_DARK : THEME_LIGHT)
                .toExternalForm());
    if (exportDialog != null) {
      exportDialog.stage().getScene().getStylesheets().setAll(scene.getStylesheets());
    }
  }

  private void showProblem(Problem p) {
    if (p == null) {
      notifications.hide();
      return;
    }
    notifications.getActions().clear();
    if (p.action() != null) {
      notifications
          .getActions()
          .add(
              new Action(
                  p.actionLabel(),
                  e -> {
                    notifications.hide();
                    p.action().run();
                  }));
    }
    notifications.getActions().add(new Action("Dismiss", e -> model.problem.set(null)));
    notifications.setGraphic(Icons.icon(org.kordamp.ikonli.materialdesign2.MaterialDesignA.ALERT));
    // Re-show even if already visible, so a second problem replaces the first.
    notifications.show(p.text());
  }

  // ---- Menus and transport -----------------------------------------------------------------

  private MenuBar menus() {
    MenuItem newProject =
        item(
            "New project",
            MaterialDesignF.FILE_DOCUMENT,
            shortcut(KeyCode.N, false),
            e -> unsaved.whenSafe("starting a new project", controller::newProject));
    MenuItem open =
        item(
            "Open project…",
            MaterialDesignF.FOLDER_OPEN,
            shortcut(KeyCode.O, false),
            e -> chooseProject());
    Menu recent = new Menu("Open recent");
    Runnable refreshRecent =
        () -> {
          recent.getItems().clear();
          for (Path p : model.recentProjects) {
            MenuItem r = new MenuItem(p.toString());
            r.setOnAction(e -> openProject(p));
            recent.getItems().add(r);
          }
          if (!model.recentProjects.isEmpty()) {
            MenuItem clear = new MenuItem("Clear this list");
            clear.setOnAction(e -> controller.clearRecent());
            recent.getItems().addAll(new SeparatorMenuItem(), clear);
          }
          recent.setDisable(model.recentProjects.isEmpty());
        };
    model.recentProjects.addListener(
        (javafx.collections.ListChangeListener<Path>) c -> refreshRecent.run());
    refreshRecent.run();
    MenuItem save =
        item("Save", MaterialDesignC.CONTENT_SAVE, shortcut(KeyCode.S, false), e -> save());
    MenuItem saveAs = item("Save as…", null, shortcut(KeyCode.S, true), e -> saveAs());
    MenuItem importItem =
        item(
            "Import photo or video…",
            MaterialDesignI.IMPORT,
            shortcut(KeyCode.I, false),
            e -> chooseImport());
    MenuItem export =
        item("Export…", MaterialDesignE.EXPORT, shortcut(KeyCode.E, true), e -> openExport());
    MenuItem exportFrame =
        item("Export frame as PNG…", MaterialDesignI.IMAGE_OUTLINE, null, e -> chooseFrameTarget());
    exportFrame
        .disableProperty()
        .bind(Bindings.createBooleanBinding(() -> model.frames().isEmpty(), model.document));
    MenuItem openPack =
        item("Open model pack…", MaterialDesignF.FOLDER_OPEN, null, e -> choosePack());
    MenuItem quit =
        item(
            "Quit",
            null,
            shortcut(KeyCode.Q, false),
            e -> unsaved.whenSafe("quitting", this::quit));
    Menu file =
        new Menu(
            "File",
            null,
            newProject,
            open,
            recent,
            new SeparatorMenuItem(),
            save,
            saveAs,
            new SeparatorMenuItem(),
            importItem,
            export,
            exportFrame,
            new SeparatorMenuItem(),
            openPack,
            new SeparatorMenuItem(),
            quit);

    MenuItem undo =
        item("Undo", MaterialDesignU.UNDO, shortcut(KeyCode.Z, false), e -> model.undo());
    undo.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> model.undoName.get() == null ? "Undo" : "Undo " + model.undoName.get(),
                model.undoName));
    undo.disableProperty().bind(model.undoName.isNull().or(model.generating));
    MenuItem redo =
        item("Redo", MaterialDesignR.REDO, shortcut(KeyCode.Z, true), e -> model.redo());
    redo.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> model.redoName.get() == null ? "Redo" : "Redo " + model.redoName.get(),
                model.redoName));
    redo.disableProperty().bind(model.redoName.isNull().or(model.generating));
    MenuItem regen =
        item(
            "Regenerate from playhead",
            MaterialDesignR.REFRESH,
            shortcut(KeyCode.R, false),
            e -> controller.regenerateFromPlayhead());
    MenuItem extend =
        item(
            "Extend",
            MaterialDesignA.ARROW_EXPAND_RIGHT,
            shortcut(KeyCode.E, false),
            e -> extend());
    extend
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> StudioController.extendByLabel(model.extendSeconds.get()),
                model.extendSeconds));
    Menu edit = new Menu("Edit", null, undo, redo, new SeparatorMenuItem(), regen, extend);

    CheckMenuItem dark = new CheckMenuItem("Dark theme");
    dark.selectedProperty().bindBidirectional(model.darkTheme);
    dark.setGraphic(Icons.icon(MaterialDesignT.THEME_LIGHT_DARK));
    CheckMenuItem smooth = new CheckMenuItem("Smooth scaling");
    smooth.selectedProperty().bindBidirectional(model.smoothScaling);
    CheckMenuItem loop = new CheckMenuItem("Loop playback");
    loop.selectedProperty().bindBidirectional(model.loop);
    CheckMenuItem realTime = new CheckMenuItem("Play in real time while generating");
    realTime.selectedProperty().bindBidirectional(model.realTime);
    Menu view = new Menu("View", null, dark, smooth, realTime, loop);

    MenuItem shortcuts =
        item(
            "Keyboard shortcuts",
            MaterialDesignK.KEYBOARD,
            new KeyCodeCombination(KeyCode.F1),
            e -> HelpDialogs.shortcutsDialog(stage, menuBar).show());
    MenuItem about =
        item(
            "About CausVid Studio",
            MaterialDesignI.INFORMATION_OUTLINE,
            null,
            e -> HelpDialogs.aboutDialog(stage, model).show());
    Menu help = new Menu("Help", null, shortcuts, about);
    MenuBar bar = new MenuBar(file, edit, view, help);
    bar.setUseSystemMenuBar(true);
    return bar;
  }

  /**
   * Extends the clip by the chosen amount, under the prompt bar's text when there is some (which is
   * then used up).
   */
  private void extend() {
    String text = promptBar.field().getText().trim();
    if (controller.extend(model.extendSeconds.get(), text)) {
      promptBar.field().clear();
    }
  }

  /**
   * Ctrl (Cmd on macOS) with {@code key}, and Shift if asked, by key code. Parsed from text
   * ("Shortcut:Z") a combination matches by the character the key types, which an X keyboard map
   * can fail to give back (under Xvfb it did): then no menu shortcut ever matched.
   */
  private static KeyCombination shortcut(KeyCode key, boolean shift) {
    return shift
        ? new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN)
        : new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN);
  }

  private static MenuItem item(
      String text,
      org.kordamp.ikonli.Ikon icon,
      KeyCombination keys,
      javafx.event.EventHandler<ActionEvent> h) {
    MenuItem m = new MenuItem(text);
    m.getProperties().put(HelpDialogs.PLAIN_NAME, text);
    if (icon != null) {
      m.setGraphic(Icons.icon(icon));
    }
    if (keys != null) {
      m.setAccelerator(keys);
    }
    m.setOnAction(h);
    return m;
  }

  private ToolBar transport() {
    Button generate =
        Icons.decorate(
            new Button(),
            MaterialDesignC.CREATION,
            "Generate from the prompt bar's text, or stop the running generation");
    generate.setId("generate");
    generate
        .textProperty()
        .bind(Bindings.when(model.generating).then("Stop").otherwise("Generate"));
    generate.setOnAction(
        e -> {
          if (model.generating.get()) {
            controller.stopGeneration();
          } else {
            String text = promptBar.field().getText().trim();
            if (text.isEmpty() && !model.doc().cues().isEmpty()) {
              controller.regenerateFromPlayhead();
            } else {
              promptBar.field().fireEvent(new ActionEvent());
            }
          }
        });
    Button pauseGen =
        Icons.decorate(
            new Button(), MaterialDesignP.PAUSE_OCTAGON, "Pause / resume the running generation");
    pauseGen.setId("pause-generation");
    pauseGen.disableProperty().bind(model.generating.not());
    model.generationPaused.addListener(
        (o, a, b) ->
            pauseGen.setGraphic(
                Icons.icon(b ? MaterialDesignP.PLAY_CIRCLE : MaterialDesignP.PAUSE_OCTAGON)));
    pauseGen.setOnAction(e -> controller.togglePauseGeneration());

    Button home = Icons.decorate(new Button(), MaterialDesignS.SKIP_PREVIOUS, "First frame (Home)");
    home.setOnAction(e -> controller.home());
    Button back =
        Icons.decorate(new Button(), MaterialDesignS.STEP_BACKWARD, "Previous frame (Left)");
    back.setOnAction(e -> controller.step(-1));
    Button play = Icons.decorate(new Button(), MaterialDesignP.PLAY, "Play / pause (Space)");
    play.setId("play");
    model.playing.addListener(
        (o, a, b) -> play.setGraphic(Icons.icon(b ? MaterialDesignP.PAUSE : MaterialDesignP.PLAY)));
    play.setOnAction(e -> controller.togglePlay());
    Button forward =
        Icons.decorate(new Button(), MaterialDesignS.STEP_FORWARD, "Next frame (Right)");
    forward.setOnAction(e -> controller.step(1));
    Button end = Icons.decorate(new Button(), MaterialDesignS.SKIP_NEXT, "Last frame (End)");
    end.setOnAction(e -> controller.end());
    ToggleButton loop = Icons.decorate(new ToggleButton(), MaterialDesignR.REPEAT, "Loop playback");
    loop.selectedProperty().bindBidirectional(model.loop);
    for (Node n : List.of(home, back, play, forward, end)) {
      ((Button) n).disableProperty().bind(model.generating);
    }
    Button importButton =
        Icons.decorate(
            new Button("Import"),
            MaterialDesignI.IMPORT,
            "Import a photo (first frame) or a video (to extend)");
    importButton.setOnAction(e -> chooseImport());
    Button exportButton =
        Icons.decorate(
            new Button("Export"), MaterialDesignE.EXPORT, "Export MP4, GIF or PNG frames");
    exportButton.setId("export");
    exportButton.setOnAction(e -> openExport());
    Button saveButton =
        Icons.decorate(new Button(), MaterialDesignC.CONTENT_SAVE, "Save the project (Ctrl+S)");
    saveButton.setOnAction(e -> save());
    Button undo = Icons.decorate(new Button(), MaterialDesignU.UNDO, "Undo (Ctrl+Z)");
    undo.setOnAction(e -> model.undo());
    undo.disableProperty().bind(model.undoName.isNull().or(model.generating));
    Button redo = Icons.decorate(new Button(), MaterialDesignR.REDO, "Redo (Ctrl+Shift+Z)");
    redo.setOnAction(e -> model.redo());
    redo.disableProperty().bind(model.redoName.isNull().or(model.generating));
    ToolBar bar =
        new ToolBar(
            generate,
            pauseGen,
            new Separator(),
            home,
            back,
            play,
            forward,
            end,
            loop,
            new Separator(),
            undo,
            redo,
            new Separator(),
            saveButton,
            importButton,
            exportButton);
    bar.getStyleClass().add("transport");
    return bar;
  }

  private StatusBar statusBar() {
    StatusBar bar = new StatusBar();
    bar.setId("status-bar");
    bar.textProperty().bind(model.status);
    // Shown while a generation runs; the teacher's, which shows no frame until a window is done,
    // moves with its denoising steps.
    bar.progressProperty().bind(model.generationProgress);
    Label fps = new Label();
    fps.setId("status-fps");
    fps.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> {
                  String made =
                      String.format(Locale.ROOT, "%.1f frames/s", model.generationFps.get());
                  double speed = model.playbackSpeed.get();
                  // Shown only while it matters: the stream plays slower than the clip will.
                  return model.generating.get() && speed < 0.95
                      ? made + String.format(Locale.ROOT, ", plays at %.2f×", speed)
                      : made;
                },
                model.generationFps,
                model.playbackSpeed,
                model.generating));
    fps.setTooltip(
        new Tooltip(
            "Frames per second of the running or last generation. Where that is slower than the"
                + " clip's frame rate, the live preview plays in slow motion at the speed shown;"
                + " the clip itself plays at full speed."));
    Label device = new Label();
    device.textProperty().bind(Bindings.concat("device ", model.deviceText));
    device.setId("status-device");
    Tooltip deviceTip = new Tooltip();
    deviceTip.textProperty().bind(Bindings.concat("Where the model runs: ", model.deviceDetail));
    device.setTooltip(deviceTip);
    Label stall = new Label();
    stall.setId("status-stall");
    stall
        .textProperty()
        .bind(Bindings.concat("max UI stall ", model.longestStallMs.asString(), " ms"));
    stall.setTooltip(
        new Tooltip(
            "Longest gap between two screen updates during the generation (goal: under 50 ms)"));
    Label frames = new Label();
    frames
        .textProperty()
        .bind(
            Bindings.createStringBinding(() -> model.frames().size() + " frames", model.document));
    Label memory = new Label();
    memory.setTooltip(new Tooltip("Java heap in use / maximum"));
    Timeline tick =
        new Timeline(
            new KeyFrame(
                Duration.seconds(1),
                e -> {
                  Runtime r = Runtime.getRuntime();
                  long used = (r.totalMemory() - r.freeMemory()) >> 20;
                  memory.setText("memory " + used + " / " + (r.maxMemory() >> 20) + " MB");
                }));
    tick.setCycleCount(Timeline.INDEFINITE);
    tick.play();
    // The figures keep their full width; a long message on the left is what gets cut short (its
    // tooltip holds all of it).
    for (Label figure : List.of(frames, fps, stall, device, memory)) {
      figure.setMinWidth(Region.USE_PREF_SIZE);
    }
    Tooltip statusTip = new Tooltip();
    statusTip.textProperty().bind(model.status);
    bar.setTooltip(statusTip);
    bar.getRightItems()
        .addAll(
            frames,
            new Separator(Orientation.VERTICAL),
            fps,
            new Separator(Orientation.VERTICAL),
            stall,
            new Separator(Orientation.VERTICAL),
            device,
            new Separator(Orientation.VERTICAL),
            memory);
    return bar;
  }

  // ---- Keys and drops ----------------------------------------------------------------------

  private void installKeys() {
    scene.addEventFilter(
        KeyEvent.KEY_PRESSED,
        e -> {
          boolean typing = scene.getFocusOwner() instanceof TextInputControl;
          // The menus' shortcuts, here before any control sees them: a text field takes some
          // for itself (Ctrl+Z would undo its typing), and the prompt bar nearly always has the
          // focus (from it, Ctrl+E extends with its text). A disabled item's keys do nothing.
          for (Menu menu : MENUS_IN_THE_SYSTEM_BAR ? List.<Menu>of() : menuBar.getMenus()) {
            for (MenuItem item : menu.getItems()) {
              if (item.getAccelerator() != null && item.getAccelerator().match(e)) {
                if (!item.isDisable()) {
                  item.fire();
                }
                e.consume();
                return;
              }
            }
          }
          if (e.getCode() == KeyCode.ESCAPE && model.generating.get()) {
            controller.stopGeneration(); // from anywhere, the prompt bar included
            e.consume();
            return;
          }
          if (typing || e.isShortcutDown() || e.isAltDown()) {
            return;
          }
          switch (e.getCode()) {
            case SPACE -> controller.togglePlay();
            case LEFT -> controller.step(-1);
            case RIGHT -> controller.step(1);
            case HOME -> controller.home();
            case END -> controller.end();
            case ENTER -> promptBar.field().requestFocus();
            case DELETE, BACK_SPACE -> {
              if (model.selectedCue.get() < 0) {
                return;
              }
              controller.deleteCue(model.selectedCue.get());
            }
            default -> {
              return;
            }
          }
          e.consume();
        });
  }

  private void installDrop(Node target) {
    target.setOnDragOver(
        e -> {
          if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
          }
          e.consume();
        });
    target.setOnDragDropped(
        (DragEvent e) -> {
          e.setDropCompleted(drop(e.getDragboard().getFiles()));
          e.consume();
        });
  }

  /**
   * What a drop does with its files: a project folder opens, a photo or video is imported (the
   * first file only; the studio holds one clip). False when there was nothing to take.
   */
  boolean drop(List<File> files) {
    if (files == null || files.isEmpty()) {
      return false;
    }
    Path p = files.get(0).toPath();
    if (p.getFileName().toString().endsWith(ProjectFile.EXTENSION)) {
      openProject(p);
    } else {
      controller.importFile(p);
    }
    return true;
  }

  // ---- Choosers ----------------------------------------------------------------------------

  private void choosePack() {
    DirectoryChooser chooser = new DirectoryChooser();
    chooser.setTitle("Open model pack folder");
    // Where extra packs are meant to go (user guide, "Model packs"), when there is one.
    Path packs = ModelLocator.userModels();
    if (Files.isDirectory(packs)) {
      chooser.setInitialDirectory(packs.toFile());
    }
    File dir = chooser.showDialog(stage);
    if (dir != null) {
      controller.openPack(dir.toPath());
    }
  }

  private void chooseProject() {
    DirectoryChooser chooser = new DirectoryChooser();
    chooser.setTitle("Open project (a .causvid folder)");
    File dir = chooser.showDialog(stage);
    if (dir != null) {
      openProject(dir.toPath());
    }
  }

  private void chooseImport() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Import a photo or a video");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter(
                "Photos and videos",
                "*.png",
                "*.jpg",
                "*.jpeg",
                "*.webp",
                "*.bmp",
                "*.mp4",
                "*.mov",
                "*.webm",
                "*.mkv",
                "*.gif"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    File f = chooser.showOpenDialog(stage);
    if (f != null) {
      controller.importFile(f.toPath());
    }
  }

  private void save() {
    if (model.projectPath.get() == null) {
      saveAs();
    } else {
      controller.saveAs(model.projectPath.get(), null);
    }
  }

  private void saveAs() {
    Path target = chooseSaveTarget();
    if (target != null) {
      controller.saveAs(target, null);
    }
  }

  /** Where to save, from the system's save dialog; null when the user cancels it. */
  private Path chooseSaveTarget() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Save project as");
    chooser.setInitialDirectory(suggestedFolder().toFile()); // the project's folder, else home
    chooser.setInitialFileName("untitled" + ProjectFile.EXTENSION);
    File f = chooser.showSaveDialog(stage);
    return f == null ? null : f.toPath();
  }

  private void openProject(Path project) {
    unsaved.whenSafe("opening " + project.getFileName(), () -> controller.open(project));
  }

  /** Closes the studio; callers have made sure no unsaved work is lost by it. */
  private void quit() {
    rememberPlacement();
    controller.shutdown();
    stage.close();
  }

  MenuBar menuBar() {
    return menuBar;
  }

  UnsavedWorkGuard unsavedWork() {
    return unsaved;
  }

  /** File → Export frame as PNG…: the frame at the playhead, named after the project and it. */
  private void chooseFrameTarget() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Export frame as PNG");
    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
    chooser.setInitialDirectory(suggestedFolder().toFile());
    chooser.setInitialFileName(model.clipName() + "-frame-" + model.playhead.get() + ".png");
    File f = chooser.showSaveDialog(stage);
    if (f != null) {
      controller.exportFrame(f.toPath());
    }
  }

  /** Where files are suggested (exports, save as): the project's folder, else the home folder. */
  private Path suggestedFolder() {
    return model.projectPath.get() != null && model.projectPath.get().getParent() != null
        ? model.projectPath.get().getParent()
        : Path.of(System.getProperty("user.home"));
  }

  void openExport() {
    if (model.frames().isEmpty()) {
      model.problem.set(Problem.of("Nothing to export yet: generate a clip first."));
      return;
    }
    exportDialog = new ExportDialog(stage, model, suggestedFolder());
    exportDialog.show();
  }
}
