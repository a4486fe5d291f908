package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static studio.causvid.app.ui.StudioFx.fx;
import static studio.causvid.app.ui.StudioFx.fxRun;
import static studio.causvid.app.ui.StudioFx.waitUntil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javafx.event.ActionEvent;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SplitMenuButton;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import studio.causvid.app.project.Document;
import studio.causvid.app.project.ProjectFile;
import studio.causvid.app.project.PromptCue;
import studio.causvid.app.project.Source;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.media.FrameWriter;
import studio.causvid.engine.media.MediaReader;
import studio.causvid.engine.media.RgbImage;

/** Drives the real studio window (headless Monocle) with the toy model pack. */
@ExtendWith(ApplicationExtension.class)
class StudioWindowTest {
  @TempDir Path home;
  @TempDir Path dir;

  private StudioWindow window;
  private StudioModel model;
  private StudioController controller;

  @Start
  void start(Stage stage) {
    window = StudioApp.open(stage, StudioFx.toyPack(), home);
    controller = window.controller();
    model = controller.model();
    stage.show();
  }

  @AfterEach
  void close() {
    fxRun(
        () -> {
          controller.shutdown();
          window.stage().close();
        });
  }

  private void waitForPack() {
    waitUntil("the toy pack to load", 20, () -> model.engine.get() != null);
  }

  private void generate(FxRobot robot, String prompt) {
    waitForPack();
    robot.clickOn("#prompt").write(prompt).type(KeyCode.ENTER);
    waitForEdit("Generate");
  }

  /** Waits until a generation ended and was recorded as the undoable edit {@code name…}. */
  private void waitForEdit(String name) {
    waitUntil(
        "the edit " + name,
        30,
        () ->
            !model.generating.get()
                && model.undoName.get() != null
                && model.undoName.get().startsWith(name));
  }

  private int expectedFrames() {
    return fx(() -> model.doc().blocks() * controller.framesPerBlock());
  }

  @Test
  void promptGeneratesFramesThatAppearInThePreview(FxRobot robot) {
    generate(robot, "a red cat");
    List<Frame> frames = fx(model::frames);
    assertEquals(expectedFrames(), frames.size());
    assertEquals("a red cat", frames.get(0).prompt());
    Frame shown = fx(() -> window.preview().shownFrame());
    assertSame(frames.get(frames.size() - 1), shown, "the preview shows the newest frame");
    int pixel = fx(() -> window.preview().image().getPixelReader().getArgb(3, 5));
    assertEquals(
        shown.argb()[5 * shown.width() + 3], pixel, "the preview's pixels are the frame's");
    List<Label> segments = fx(() -> window.timeline().segments());
    assertEquals(1, segments.size());
    assertEquals("a red cat", segments.get(0).getText());
    String stall = robot.lookup("#status-stall").queryAs(Label.class).getText();
    assertTrue(stall.matches("max UI stall \\d+ ms"), stall);
    System.out.println("Longest FX stall while generating: " + stall);
    // The device label's tooltip says why that device and what the engine thread's priority is.
    String device =
        fx(() -> robot.lookup("#status-device").queryAs(Label.class).getTooltip().getText());
    assertTrue(device.startsWith("Where the model runs: "), device);
    assertTrue(device.contains("engine thread"), device);
    // Space plays back; the playhead moves.
    robot.clickOn("#preview").type(KeyCode.HOME);
    assertEquals(0, (int) fx(model.playhead::get));
    robot.type(KeyCode.RIGHT).type(KeyCode.RIGHT);
    assertEquals(2, (int) fx(model.playhead::get));
    robot.type(KeyCode.END);
    assertEquals(frames.size() - 1, (int) fx(model.playhead::get));
    robot.type(KeyCode.SPACE);
    waitUntil("playback to move the playhead", 5, () -> model.playhead.get() != frames.size() - 1);
    robot.type(KeyCode.SPACE);
    assertFalse(fx(model.playing::get));
  }

  @Test
  void theStreamPlaysInRealTimeUnlessToldNotTo(FxRobot robot) {
    waitForPack();
    assertTrue(fx(model.realTime::get), "real time is the default");
    long start = System.nanoTime();
    robot.clickOn("#prompt").write("a red cat").type(KeyCode.ENTER);
    waitForEdit("Generate");
    double seconds = (System.nanoTime() - start) / 1e9;
    int frames = fx(() -> model.frames().size());
    // The toy pack makes its frames in a few milliseconds; played in real time, the last one
    // comes (frames - 1) / fps after the first.
    double playback = (frames - 1) / (double) fx(controller::fps);
    assertTrue(seconds >= playback, seconds + " s for " + playback + " s of playback");
    // Turned off while it runs, the rest of a long clip comes as fast as it is made.
    fxRun(() -> controller.setLengthSeconds(4000));
    robot.clickOn("#prompt").write("a red cat").type(KeyCode.ENTER);
    waitUntil("first frames", 10, () -> model.frames().size() >= 2);
    robot.clickOn("#real-time");
    assertFalse(fx(model.realTime::get));
    // Paced, 200 frames take 25 s at the toy pack's 8 fps.
    waitUntil("frames as fast as they are made", 20, () -> model.frames().size() >= 200);
    robot.clickOn("#generate");
    waitUntil("generation to stop", 20, () -> !model.generating.get());
  }

  @Test
  void followUpPromptLandsOnTheTimelineAtTheNextBlock(FxRobot robot) {
    waitForPack();
    // Long enough that it is still running while the robot types; stopped once the prompt lands.
    fxRun(() -> controller.setLengthSeconds(4000));
    robot.clickOn("#prompt").write("a red cat").type(KeyCode.ENTER);
    waitUntil("first frames", 10, () -> model.frames().size() >= 2);
    robot.clickOn("#pause-generation");
    waitUntil("paused", 5, () -> model.generationPaused.get());
    robot.clickOn("#prompt").write("a blue dog").type(KeyCode.ENTER);
    int framesAtSubmit = fx(() -> model.frames().size());
    robot.clickOn("#pause-generation");
    waitUntil("the follow-up to land", 20, () -> model.doc().cues().size() == 2);
    String landed = fx(model.status::get);
    robot.clickOn("#generate");
    waitUntil("generation to stop", 20, () -> !model.generating.get());
    Document doc = fx(model::doc);
    assertEquals(2, doc.cues().size(), doc.cues().toString());
    PromptCue follow = doc.cues().get(1);
    assertEquals("a blue dog", follow.text());
    int f = fx(controller::framesPerBlock);
    int block = follow.block();
    assertTrue(block > 0);
    // The engine was paused between graph passes: at most the block in flight finishes first.
    assertTrue(block * f <= framesAtSubmit + 2 * f, "lands at the next block, was " + block);
    assertEquals("a red cat", doc.frames().get(block * f - 1).prompt());
    assertEquals("a blue dog", doc.frames().get(block * f).prompt());
    assertTrue(
        landed.startsWith("Follow-up \"a blue dog\" took effect at ")
            && landed.endsWith("(block " + block + ")"),
        landed);
    // The toy pack is fast: the follow-up can land minutes in. Putting the playhead there scrolls
    // the timeline to it; the segment starts at its block, however long the clip.
    // While generating, redraws are throttled: one may still be pending when generation stops,
    // so the scroll lands with that redraw rather than at once.
    fxRun(() -> model.playhead.set(block * f));
    double expectedX = block * f / (double) controller.fps() * window.timeline().pixelsPerSecond();
    waitUntil(
        "the last segment to be drawn at its block",
        5,
        () -> {
          List<Label> segments = window.timeline().segments();
          Label seg = segments.get(segments.size() - 1);
          return "a blue dog".equals(seg.getText())
              && Math.abs(seg.getLayoutX() + window.timeline().scrollOffset() - expectedX) <= 2.0;
        });
  }

  @Test
  void aLongStatusMessageIsCutShortAndTheFiguresBesideItAreNot(FxRobot robot) {
    waitForPack();
    String message =
        "Model pack ready on CPU: " + "a long explanation of the device choice ".repeat(8);
    fxRun(() -> model.status.set(message));
    StudioFx.settle();
    for (String id : List.of("#status-fps", "#status-stall", "#status-device")) {
      Label figure = robot.lookup(id).queryAs(Label.class);
      double width = fx(figure::getWidth);
      double wanted = fx(() -> figure.prefWidth(-1));
      assertTrue(width >= wanted - 0.5, id + " is " + width + " px wide, its text needs " + wanted);
    }
    String tip =
        fx(() -> robot.lookup("#status-bar").queryAs(Control.class).getTooltip().getText());
    assertEquals(message, tip, "the whole message is in the tooltip");
    // Before any frame, the preview's frame caption is not drawn as an empty box.
    assertFalse(fx(() -> robot.lookup("#preview-caption").query().isVisible()));
  }

  @Test
  void importedPhotoIsFrameZeroAndTheGenerationAnimatesIt(FxRobot robot) throws Exception {
    waitForPack();
    Path photo = StudioFx.photo(dir);
    // What a drop on the preview or the timeline does with the files it carries.
    assertFalse(fx(() -> window.drop(List.of())));
    assertTrue(fx(() -> window.drop(List.of(photo.toFile()))));
    waitUntil("the photo to import", 10, () -> model.doc().source() == Source.PHOTO);
    Frame zero = fx(() -> window.preview().shownFrame());
    assertNotNull(zero);
    assertEquals(0, zero.index());
    int[] fitted = model.engine.get().fit(MediaReader.readPhoto(photo)).argb();
    assertArrayEquals(fitted, zero.argb(), "frame 0 is the photo fitted to the pack's frame");
    robot.clickOn("#prompt").write("a cat runs").type(KeyCode.ENTER);
    waitForEdit("Generate");
    Document doc = fx(model::doc);
    assertEquals(Source.PHOTO, doc.source());
    assertEquals(expectedFrames(), doc.frames().size());
  }

  @Test
  void aPromptTooLongForTheModelNamesTheWordsItDoesNotRead(FxRobot robot) {
    waitForPack();
    robot.clickOn("#prompt").write("a red cat runs in the snow");
    Label dropped = robot.lookup("#dropped-words").queryAs(Label.class);
    // The toy pack reads 6 tokens: BOS and five words.
    assertEquals("Too long for the model, not read: the snow", fx(dropped::getText));
    assertTrue(fx(dropped::isVisible));
    fxRun(() -> window.promptBar().field().setText("a red cat"));
    assertFalse(fx(dropped::isVisible));
  }

  @Test
  void deleteRemovesTheSelectedSegmentAndEscCancelsAnEditOrAGeneration(FxRobot robot) {
    generate(robot, "a red cat");
    robot.clickOn("#preview").type(KeyCode.HOME);
    for (int i = 0; i < 6; i++) {
      robot.type(KeyCode.RIGHT);
    }
    robot.clickOn("#split-cue");
    assertEquals(2, (int) fx(() -> model.doc().cues().size()));

    // Esc in the segment's text field puts its text back and changes nothing.
    robot.clickOn(fx(() -> window.timeline().segments().get(1)));
    TextField cueText = robot.lookup("#cue-text").queryAs(TextField.class);
    robot.doubleClickOn(cueText);
    robot.write(" and a dog").type(KeyCode.ESCAPE);
    assertEquals("a red cat", fx(cueText::getText));
    assertEquals("a red cat", fx(() -> model.doc().cues().get(1).text()));

    // A click on a segment selects it and Delete (Backspace too) takes it out, as one undo step.
    robot.clickOn(fx(() -> window.timeline().segments().get(1)));
    robot.type(KeyCode.DELETE);
    assertEquals(1, (int) fx(() -> model.doc().cues().size()));
    assertEquals("Delete prompt", fx(model.undoName::get));
    robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    waitUntil("the segment back", 5, () -> window.timeline().segments().size() == 2);
    // The first segment this time: a second click where the last one was would be a double
    // click, which edits the text.
    robot.clickOn(fx(() -> window.timeline().segments().get(0)));
    robot.type(KeyCode.BACK_SPACE);
    assertEquals(1, (int) fx(() -> model.doc().cues().size()));
    assertEquals(0, (int) fx(() -> model.doc().cues().get(0).block()), "the next one starts it");

    // Esc stops a running generation, even from the prompt bar.
    fxRun(() -> controller.setLengthSeconds(120));
    robot.clickOn("#prompt").write("a blue dog").type(KeyCode.ENTER);
    waitUntil("the generation to start", 10, () -> model.generating.get());
    robot.type(KeyCode.ESCAPE);
    waitUntil("the generation to stop", 10, () -> !model.generating.get());
    assertTrue(fx(model::frames).size() < fx(this::expectedFrames), "stopped before the 2 minutes");
  }

  @Test
  void aSegmentsRightClickMenuDeletesItOrRegeneratesFromIt(FxRobot robot) {
    generate(robot, "a red cat");
    int f = fx(controller::framesPerBlock);
    fxRun(() -> model.playhead.set(2 * f));
    robot.clickOn("#split-cue");
    List<Frame> before = fx(model::frames);
    java.util.function.Function<String, MenuItem> item =
        name ->
            fx(
                () ->
                    window.timeline().segments().get(1).getContextMenu().getItems().stream()
                        .filter(i -> i.getText().equals(name))
                        .findFirst()
                        .orElseThrow());
    fxRun(() -> item.apply("Delete").fire());
    assertEquals(1, (int) fx(() -> model.doc().cues().size()));
    robot.clickOn("#preview");
    robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    waitUntil("the segment back", 5, () -> window.timeline().segments().size() == 2);
    fxRun(() -> item.apply("Regenerate from here").fire());
    waitForEdit("Regenerate");
    List<Frame> after = fx(model::frames);
    assertSame(before.get(2 * f - 1), after.get(2 * f - 1), "the frames before it are kept");
    assertNotEquals(before.get(2 * f), after.get(2 * f), "from its block on, new frames");
  }

  @Test
  void f1ListsEveryShortcutAndAboutNamesThePack(FxRobot robot) {
    waitForPack();
    robot.clickOn("#preview").type(KeyCode.F1);
    waitUntil("the shortcuts", 5, () -> robot.lookup("#shortcuts-dialog").tryQuery().isPresent());
    javafx.scene.control.DialogPane pane =
        robot.lookup("#shortcuts-dialog").queryAs(javafx.scene.control.DialogPane.class);
    List<String> shown =
        fx(
            () ->
                ((javafx.scene.layout.GridPane) pane.getContent())
                    .getChildren().stream().map(n -> ((Label) n).getText()).toList());
    int accelerators = 0;
    for (var menu : fx(() -> window.menuBar().getMenus())) {
      for (MenuItem item : menu.getItems()) {
        if (item.getAccelerator() != null) {
          accelerators++;
          assertTrue(
              shown.contains(item.getAccelerator().getDisplayText()),
              item.getAccelerator().getDisplayText() + " is listed");
        }
      }
    }
    assertTrue(accelerators >= 12, "the menus' shortcuts: " + accelerators);
    assertTrue(shown.contains("Undo") && shown.contains("Quit"), shown.toString());
    for (HelpDialogs.Shortcut other : HelpDialogs.OTHER_KEYS) {
      assertTrue(shown.contains(other.keys()), other.keys());
    }
    fxRun(() -> pane.getScene().getWindow().hide());

    fxRun(() -> HelpDialogs.aboutDialog(window.stage(), model).show());
    javafx.scene.control.DialogPane about =
        robot.lookup("#about-dialog").queryAs(javafx.scene.control.DialogPane.class);
    String text = fx(about::getContentText);
    assertTrue(text.contains(fx(() -> model.engine.get().manifest().name())), text);
    assertTrue(fx(about::getHeaderText).startsWith("CausVid Studio "));
    fxRun(() -> about.getScene().getWindow().hide());
  }

  @Test
  void editSegmentRegenerateFromPlayheadThenUndoRedo(FxRobot robot) {
    generate(robot, "a red cat");
    List<Frame> before = fx(model::frames);
    long seedBefore = fx(() -> model.doc().seed());
    robot.clickOn("#preview").type(KeyCode.HOME);
    for (int i = 0; i < 6; i++) {
      robot.type(KeyCode.RIGHT);
    }
    assertEquals(6, (int) fx(model.playhead::get));
    robot.clickOn("#split-cue");
    int f = fx(controller::framesPerBlock);
    int block = 6 / f;
    assertEquals(block, (int) fx(model.selectedCue::get));
    // Select the new segment on the timeline and edit its text.
    Label seg = fx(() -> window.timeline().segments().get(1));
    robot.clickOn(seg);
    TextField cueText = robot.lookup("#cue-text").queryAs(TextField.class);
    robot.doubleClickOn(cueText);
    fxRun(cueText::selectAll);
    robot.write("a blue dog").type(KeyCode.ENTER);
    assertEquals("a blue dog", fx(() -> model.doc().cues().get(1).text()));
    // Ctrl+R, the menu's shortcut, with a text field (the segment's) holding the focus.
    assertTrue(fx(() -> window.scene().getFocusOwner() instanceof TextField));
    robot.press(KeyCode.CONTROL).type(KeyCode.R).release(KeyCode.CONTROL);
    waitForEdit("Regenerate");
    Document after = fx(model::doc);
    assertEquals(before.size(), after.frames().size());
    for (int i = 0; i < block * f; i++) {
      assertSame(
          before.get(i), after.frames().get(i), "frame " + i + " before the playhead is kept");
    }
    for (int i = block * f; i < after.frames().size(); i++) {
      assertEquals("a blue dog", after.frames().get(i).prompt());
    }
    assertNotEquals(seedBefore, after.seed(), "a new seed");

    robot.clickOn("#preview");
    robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    assertSame(
        before.get(block * f), fx(model::frames).get(block * f), "undo restores the old frames");
    robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    assertEquals("a red cat", fx(() -> model.doc().cues().get(1).text()), "undo the text edit");
    assertTrue(
        fx(model.status::get).startsWith("Undone: "),
        "the status bar says what was taken back: " + fx(model.status::get));
    robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    assertEquals(1, (int) fx(() -> model.doc().cues().size()), "undo the split");
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.Z)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.Z)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    assertEquals(
        "a blue dog", fx(() -> model.doc().cues().get(1).text()), "redo the split and edit");
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.Z)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    assertSame(
        after.frames().get(block * f), fx(model::frames).get(block * f), "redo the regeneration");
    assertTrue(fx(model.status::get).startsWith("Redone: Regenerate"), fx(model.status::get));
  }

  @Test
  void extendContinuesTheClipFromItsEndAndUndoTakesItBack(FxRobot robot) {
    waitForPack();
    robot.clickOn("#extend");
    assertTrue(
        fx(() -> model.problem.get().text()).contains("nothing to extend"),
        "an empty project has nothing to extend");
    generate(robot, "a red cat");
    List<Frame> before = fx(model::frames);
    int f = fx(controller::framesPerBlock);
    int fps = fx(controller::fps);
    robot.clickOn("#prompt").write("a blue dog");
    robot.clickOn("#extend");
    waitForEdit("Extend");
    List<Frame> after = fx(model::frames);
    int added = GenerationRequest.blocksFor(fx(model.extendSeconds::get), fps, f) * f;
    assertEquals(before.size() + added, after.size());
    for (int i = 0; i < before.size(); i++) {
      assertSame(before.get(i), after.get(i), "frame " + i + " stays as it was");
    }
    for (int i = before.size(); i < after.size(); i++) {
      assertEquals("a blue dog", after.get(i).prompt());
      assertEquals(i, after.get(i).index());
    }
    List<PromptCue> cues = fx(() -> model.doc().cues());
    assertEquals(
        List.of(new PromptCue(0, "a red cat"), new PromptCue(before.size() / f, "a blue dog")),
        cues);
    assertEquals("", fx(() -> window.promptBar().field().getText()), "the prompt was used");
    assertEquals(after.size() / f, (int) fx(() -> model.doc().blocks()), "the length grew");
    // Extended with the empty bar (Ctrl+E), the timeline's last prompt goes on.
    robot.clickOn("#prompt");
    robot.press(KeyCode.CONTROL).type(KeyCode.E).release(KeyCode.CONTROL);
    waitUntil(
        "the second extension",
        30,
        () -> !model.generating.get() && model.frames().size() == after.size() + added);
    assertEquals("a blue dog", fx(() -> model.frames().get(after.size()).prompt()));
    // The button's menu picks another amount, which then stays for the button and Ctrl+E.
    int twice = after.size() + added;
    robot.clickOn(robot.lookup("#extend .arrow-button").queryAs(Node.class));
    robot.clickOn("Extend by 1 s");
    int oneSecond = GenerationRequest.blocksFor(1, fps, f) * f;
    waitUntil(
        "the third extension",
        30,
        () -> !model.generating.get() && model.frames().size() == twice + oneSecond);
    assertEquals(1.0, fx(model.extendSeconds::get));
    assertEquals("Extend 1 s", fx(() -> robot.lookup("#extend").queryAs(Labeled.class).getText()));

    robot.clickOn("#preview");
    for (int undo = 0; undo < 3; undo++) {
      robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    }
    assertEquals(before, fx(model::frames), "undo takes every extension back");
    assertEquals(1, (int) fx(() -> model.doc().cues().size()));
  }

  @Test
  void savedProjectReopensWithTheSameFrames(FxRobot robot) {
    generate(robot, "a red cat");
    Document saved = fx(model::doc);
    Path target = dir.resolve("clip");
    fxRun(() -> controller.saveAs(target, null));
    waitUntil("the save", 20, () -> model.projectPath.get() != null && !model.dirty.get());
    Path folder = dir.resolve("clip.causvid");
    assertTrue(Files.isRegularFile(folder.resolve("project.json")));
    assertTrue(Files.isRegularFile(folder.resolve("frames/frame_00000.png")));
    fxRun(controller::newProject);
    assertTrue(fx(model::frames).isEmpty());
    assertTrue(fx(() -> window.drop(List.of(folder.toFile()))), "a dropped project opens");
    waitUntil("the project to open", 20, () -> model.frames().size() == saved.frames().size());
    Document reopened = fx(model::doc);
    assertEquals(saved.cues(), reopened.cues());
    assertEquals(saved.seed(), reopened.seed());
    for (int i = 0; i < saved.frames().size(); i++) {
      assertArrayEquals(
          saved.frames().get(i).argb(), reopened.frames().get(i).argb(), "frame " + i);
      assertArrayEquals(saved.frames().get(i).latent(), reopened.frames().get(i).latent(), 0f);
      assertEquals(saved.frames().get(i).prompt(), reopened.frames().get(i).prompt());
    }
    Frame shown = fx(() -> window.preview().shownFrame());
    assertNotNull(shown, "the reopened project shows its frames without regenerating");
  }

  @Test
  void exportDialogWritesAnMp4ThatReadsBack(FxRobot robot) throws Exception {
    generate(robot, "a red cat");
    int n = fx(() -> model.frames().size());
    robot.clickOn("#export");
    waitUntil(
        "the export dialog",
        5,
        () -> window.exportDialog() != null && window.exportDialog().stage().isShowing());
    Path out = dir.resolve("clip.mp4");
    String suggested = robot.lookup("#export-target").queryAs(TextField.class).getText();
    assertFalse(Files.exists(Path.of(suggested)), "the suggested name is free: " + suggested);
    fxRun(() -> robot.lookup("#export-target").queryAs(TextField.class).setText(out.toString()));
    robot.clickOn("#export-run");
    waitUntil(
        "the export",
        30,
        () -> window.exportDialog().task() != null && window.exportDialog().task().isDone());
    assertTrue(Files.isRegularFile(out));
    int fps = fx(controller::fps);
    var tail = MediaReader.readVideoTail(out, 16, 16, 1000, fps);
    assertEquals(n, tail.sourceFrames(), "every frame was written");
    String state = robot.lookup("#export-state").queryAs(Label.class).getText();
    assertTrue(state.startsWith("Exported"), state);
    robot.clickOn("#export-close");
  }

  /** Waits for the unsaved-work question and answers it. */
  private void answerUnsavedQuestion(ButtonType answer) {
    waitUntil(
        "the unsaved-work question",
        5,
        () -> {
          Alert q = window.unsavedWork().question();
          return q != null && q.isShowing();
        });
    fxRun(
        () ->
            ((Button) window.unsavedWork().question().getDialogPane().lookupButton(answer)).fire());
  }

  @Test
  void unsavedWorkIsAskedAboutBeforeANewProjectOrClosing(FxRobot robot) throws Exception {
    generate(robot, "a red cat");
    List<Frame> made = fx(model::frames);
    robot.clickOn("#preview");
    robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
    answerUnsavedQuestion(UnsavedWorkGuard.CANCEL);
    assertSame(made, fx(model::frames), "Cancel keeps the clip");

    // The window's close button asks too, and Cancel leaves the studio open.
    fxRun(
        () ->
            window
                .stage()
                .fireEvent(new WindowEvent(window.stage(), WindowEvent.WINDOW_CLOSE_REQUEST)));
    answerUnsavedQuestion(UnsavedWorkGuard.CANCEL);
    assertTrue(fx(() -> window.stage().isShowing()), "Cancel keeps the studio open");

    // Save: the project is written first, and only then does the new project start.
    Path project = dir.resolve("kept.causvid");
    fxRun(() -> model.projectPath.set(project));
    robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
    answerUnsavedQuestion(UnsavedWorkGuard.SAVE);
    waitUntil("the new project, after the save", 20, () -> model.frames().isEmpty());
    assertEquals(made.size(), ProjectFile.read(project).document().frames().size());
    assertFalse(fx(model.dirty::get));

    // Nothing unsaved: New project asks nothing. Don't save lets the work go.
    robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
    assertFalse(fx(() -> window.unsavedWork().question().isShowing()), "nothing to ask about");
    generate(robot, "a blue dog");
    robot.clickOn("#preview");
    robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
    answerUnsavedQuestion(UnsavedWorkGuard.DISCARD);
    waitUntil("the new project", 5, () -> model.frames().isEmpty());
    assertEquals(
        made.size(),
        ProjectFile.read(project).document().frames().size(),
        "the saved project is as it was");
  }

  @Test
  void aRecentProjectThatIsGoneIsSaidToBeGoneAndTakenOffTheList(FxRobot robot) throws Exception {
    generate(robot, "a red cat");
    Path project = dir.resolve("soon-gone.causvid");
    fxRun(() -> controller.saveAs(project, null));
    waitUntil("saved", 20, () -> model.recentProjects.contains(project));
    List<Frame> frames = fx(model::frames);
    ProjectFileCleanup.delete(project);
    fxRun(() -> controller.open(project));
    waitUntil("the message", 5, () -> window.notifications().isShowing());
    String text = fx(() -> window.notifications().getText());
    assertTrue(text.contains("is not there any more"), text);
    assertFalse(fx(() -> model.recentProjects.contains(project)), "taken off the list");
    assertSame(frames, fx(model::frames), "the current clip is unchanged");

    Path kept = dir.resolve("kept.causvid");
    fxRun(() -> controller.saveAs(kept, null));
    waitUntil("saved", 20, () -> model.recentProjects.contains(kept));
    fxRun(controller::clearRecent);
    assertTrue(fx(model.recentProjects::isEmpty));
    assertTrue(Files.isRegularFile(kept.resolve("project.json")), "the project itself stays");
    assertTrue(
        Files.readString(home.resolve("recent.txt")).isBlank(), "the list on disk is empty too");
  }

  @Test
  void theTeachersRenderShowsItsProgress(FxRobot robot) {
    waitForPack();
    fxRun(() -> controller.setSampler(GenerationRequest.Sampler.TEACHER));
    List<Double> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    fxRun(() -> model.generationProgress.addListener((o, a, b) -> seen.add(b.doubleValue())));
    robot.clickOn("#prompt").write("a red cat").type(KeyCode.ENTER);
    waitForEdit("Generate");
    assertEquals(expectedFrames(), (int) fx(() -> model.frames().size()));
    assertTrue(
        seen.stream().filter(v -> v > 0 && v < 1).count() > 2,
        "the bar moved through the steps: " + seen);
    assertEquals(0.0, fx(model.generationProgress::get), "hidden when done");
  }

  @Test
  void theFrameAtThePlayheadExportsAsAPng(FxRobot robot) throws Exception {
    generate(robot, "a red cat");
    fxRun(() -> model.playhead.set(5));
    Frame shown = fx(() -> model.frames().get(5));
    var task = fx(() -> controller.exportFrame(dir.resolve("still")));
    waitUntil("the frame written", 10, task::isDone);
    Path png = dir.resolve("still.png");
    assertArrayEquals(shown.argb(), MediaReader.readPhoto(png).argb(), "the frame's own pixels");
    assertTrue(fx(model.status::get).startsWith("Exported frame 5 to "), fx(model.status::get));
    // A folder that is not there: a message, and nothing else changes.
    var failed = fx(() -> controller.exportFrame(dir.resolve("gone/still.png")));
    waitUntil("the export to fail", 10, failed::isDone);
    waitUntil("the message", 5, () -> window.notifications().isShowing());
    assertTrue(fx(() -> window.notifications().getText()).contains("does not exist"));
  }

  @Test
  void corruptPhotoVideoAndProjectEachShowAnErrorAndKeepTheClip(FxRobot robot) throws Exception {
    generate(robot, "a red cat");
    List<Frame> frames = fx(model::frames);
    Path photo = StudioFx.garbage(dir, "broken.png");
    Path video = StudioFx.garbage(dir, "broken.mp4");
    Path project = Files.createDirectories(dir.resolve("broken.causvid"));
    Files.writeString(project.resolve("project.json"), "{ not json");
    for (Runnable action :
        List.<Runnable>of(
            () -> controller.importFile(photo),
            () -> controller.importFile(video),
            () -> controller.open(project))) {
      fxRun(() -> model.problem.set(null));
      waitUntil("the bar to hide", 5, () -> !window.notifications().isShowing());
      fxRun(action);
      waitUntil("an error in the window", 20, () -> window.notifications().isShowing());
      String text = fx(() -> window.notifications().getText());
      assertTrue(text.contains("broken"), "names the file: " + text);
      assertSame(frames, fx(model::frames), "the clip is unchanged");
      String status = fx(model.status::get);
      assertTrue(status.startsWith("Not "), "the status bar no longer says it is busy: " + status);
    }
  }

  @Test
  void missingModelPackIsReportedWithAWayOut(FxRobot robot) {
    waitForPack();
    fxRun(() -> controller.openPack(dir.resolve("no-such-pack")));
    waitUntil("an error in the window", 10, () -> window.notifications().isShowing());
    String text = fx(() -> window.notifications().getText());
    assertTrue(text.contains("No model pack at"), text);
    assertEquals(
        "Open pack folder…", fx(() -> window.notifications().getActions().get(0).getText()));
    assertNotNull(fx(model.engine::get), "the loaded pack keeps working");
  }

  @Test
  void importedVideoIsContinuedByTheNextGeneration(FxRobot robot) throws Exception {
    waitForPack();
    int w = fx(() -> model.engine.get().manifest().video().width());
    int h = fx(() -> model.engine.get().manifest().video().height());
    int fps = fx(controller::fps);
    Path video = dir.resolve("walk.mp4");
    try (FrameWriter out = FrameWriter.open(video, w, h, fps)) {
      for (int i = 0; i < 24; i++) {
        int[] argb = new int[w * h];
        for (int p = 0; p < argb.length; p++) {
          argb[p] = 0xff000000 | ((p % w + 3 * i) * 4 & 0xff) << 16 | (p / w) * 2 << 8 | 90;
        }
        out.write(new RgbImage(w, h, argb));
      }
      out.commit();
    }
    fxRun(() -> controller.importFile(video));
    waitUntil("the video to import", 20, () -> model.doc().source() == Source.VIDEO);
    List<Frame> imported = fx(model::frames);
    int f = fx(controller::framesPerBlock);
    assertFalse(imported.isEmpty());
    assertEquals(0, imported.size() % f, "whole blocks of the video are the context");
    String status = fx(model.status::get);
    assertTrue(
        status.contains("its last " + imported.size() + " frames"), "says how much: " + status);
    robot.clickOn("#prompt").write("a cat runs").type(KeyCode.ENTER);
    waitForEdit("Generate");
    List<Frame> after = fx(model::frames);
    assertTrue(after.size() > imported.size(), "new frames follow the video");
    for (int i = 0; i < imported.size(); i++) {
      assertArrayEquals(imported.get(i).argb(), after.get(i).argb(), "video frame " + i + " kept");
    }
    assertEquals("a cat runs", after.get(imported.size()).prompt());
    assertEquals(imported.size(), after.get(imported.size()).index());

    // Undone, the video alone is extended under the prompt bar's text (Extend, not Enter).
    robot.clickOn("#preview");
    robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    assertEquals(imported, fx(model::frames));
    robot.clickOn("#prompt").write("a dog sleeps");
    robot.clickOn("#extend");
    waitForEdit("Extend");
    List<Frame> extended = fx(model::frames);
    assertTrue(extended.size() > imported.size());
    assertSame(imported.get(imported.size() - 1), extended.get(imported.size() - 1));
    assertEquals("a dog sleeps", extended.get(imported.size()).prompt());
  }

  @Test
  void cancelledExportLeavesTheExistingFileAsItWas(FxRobot robot) throws Exception {
    generate(robot, "a red cat");
    Path out = dir.resolve("clip.mp4");
    byte[] earlier = "an earlier export the user wants to keep".getBytes();
    Files.write(out, earlier);
    int made = fx(() -> model.frames().size());
    robot.clickOn("#preview");
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.E)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    waitUntil(
        "the export dialog",
        5,
        () -> window.exportDialog() != null && window.exportDialog().stage().isShowing());
    assertFalse(fx(model.generating::get), "Ctrl+Shift+E exports; only Ctrl+E extends");
    assertEquals(made, (int) fx(() -> model.frames().size()));
    Scene dialog = fx(() -> window.exportDialog().stage().getScene());
    fxRun(() -> ((TextField) dialog.lookup("#export-target")).setText(out.toString()));
    // The first press only asks before writing over the earlier export.
    fxRun(() -> ((Button) dialog.lookup("#export-run")).fire());
    assertNull(fx(() -> window.exportDialog().task()), "nothing is written before Replace");
    assertTrue(
        fx(() -> ((Label) dialog.lookup("#export-state")).getText()).contains("already exists"));
    assertEquals("Replace", fx(() -> ((Button) dialog.lookup("#export-run")).getText()));
    assertArrayEquals(earlier, Files.readAllBytes(out));
    // Run, then Cancel, in one FX turn: the export is still running when Cancel arrives, however
    // fast this machine writes the toy pack's frames.
    fxRun(
        () -> {
          ((Button) dialog.lookup("#export-run")).fire();
          ((Button) dialog.lookup("#export-close")).fire();
        });
    waitUntil(
        "the export to stop",
        30,
        () -> window.exportDialog().task() != null && window.exportDialog().task().isDone());
    waitUntil(
        "the dialog to say how it ended",
        5,
        () -> ((Label) dialog.lookup("#export-state")).getText().matches("(Cancelled|Exported).*"));
    String state = fx(() -> ((Label) dialog.lookup("#export-state")).getText());
    if (state.startsWith("Exported")) {
      // The export thread won the race to its rename before Cancel arrived; Cancel is then
      // refused and the dialog says the file was written, which it was.
      assertFalse(
          Arrays.equals(earlier, Files.readAllBytes(out)), "the export it reports is there");
      return;
    }
    assertTrue(state.startsWith("Cancelled"), state);
    assertArrayEquals(earlier, Files.readAllBytes(out), "the existing file is untouched");
    // The task is done as soon as it is cancelled; its thread may still be closing the writer,
    // which deletes the temporary file, so that is waited for rather than looked at at once.
    waitUntil("no temporary file left behind", 10, () -> List.of(out).equals(filesIn(dir)));
    assertArrayEquals(earlier, Files.readAllBytes(out), "the existing file is still untouched");
    fxRun(() -> ((Button) dialog.lookup("#export-close")).fire());
  }

  private static List<Path> filesIn(Path folder) {
    try (var files = Files.list(folder)) {
      return files.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A second studio window on {@code itsHome}, as the next start of the studio would open. */
  private static StudioWindow nextStart(Path itsHome) {
    return fx(() -> StudioApp.open(new Stage(), StudioFx.toyPack(), itsHome));
  }

  private static void closeWindow(StudioWindow w) {
    fxRun(
        () -> {
          w.controller().shutdown();
          w.stage().close();
        });
  }

  @Test
  void settingsChosenInTheStudioAreThereAtItsNextStart(FxRobot robot) {
    waitForPack();
    robot.clickOn("#extend .arrow-button");
    robot.clickOn(StudioController.extendByLabel(4));
    fxRun(
        () -> {
          model.darkTheme.set(false);
          model.realTime.set(false);
          model.loop.set(false);
        });
    fxRun(
        () -> {
          window.stage().setWidth(1000);
          window.stage().setHeight(700);
        });
    fxRun(
        () -> {
          window.stage().setX(60);
          window.stage().setY(50);
        });
    // Monocle applies a new size to the scene a pulse or more later.
    waitUntil("the window's new size", 5, () -> window.scene().getWidth() == 1000);
    fxRun(window::rememberPlacement); // as closing the window does
    StudioPreferences.Window closed = fx(model.window::get);
    assertEquals(fx(() -> window.scene().getWidth()), closed.width());
    assertFalse(closed.maximized());
    fxRun(controller::awaitPreferencesSaved);
    StudioWindow next = nextStart(home);
    try {
      StudioModel again = next.controller().model();
      assertEquals(closed, fx(again.window::get));
      assertEquals(
          closed.width(), fx(() -> next.scene().getWidth()), "it opens the size it closed");
      assertEquals(closed.height(), fx(() -> next.scene().getHeight()));
      assertEquals(60, fx(() -> next.stage().getX()), "it opens where it closed");
      assertEquals(50, fx(() -> next.stage().getY()));
      assertEquals(4.0, fx(again.extendSeconds::get));
      assertFalse(fx(again.darkTheme::get));
      assertFalse(fx(again.realTime::get));
      assertFalse(fx(again.loop::get));
      assertFalse(fx(again.smoothScaling::get), "a setting never changed keeps its default");
      fxRun(() -> next.stage().show()); // its controls are laid out once shown
      assertEquals(
          List.of(StudioController.extendByLabel(4)),
          fx(
              () ->
                  ((SplitMenuButton) next.scene().lookup("#extend"))
                      .getItems().stream()
                          .filter(item -> ((RadioMenuItem) item).isSelected())
                          .map(MenuItem::getText)
                          .toList()),
          "the Extend menu checks the amount in use");
      assertTrue(
          fx(
              () ->
                  next.scene().getStylesheets().stream()
                      .anyMatch(css -> css.endsWith("theme-light.css"))),
          "the window opens in the theme last chosen");
    } finally {
      closeWindow(next);
    }
  }

  @Test
  void unreadableSettingsAreReportedKeptAsideAndReplacedByTheNextChange() throws IOException {
    Path otherHome = dir.resolve("other-home");
    Path settings = otherHome.resolve(StudioPreferences.FILE_NAME);
    Files.createDirectories(otherHome);
    Files.writeString(settings, "darkTheme=false\nextendSeconds=\\u12");
    StudioWindow next = nextStart(otherHome);
    try {
      waitUntil("the notice", 10, () -> next.notifications().isShowing());
      String notice = fx(() -> next.notifications().getText());
      assertTrue(notice.contains("could not be read"), notice);
      assertTrue(notice.contains(".unreadable"), notice);
      StudioModel fresh = next.controller().model();
      assertTrue(fx(fresh.darkTheme::get), "the defaults are in use");
      assertEquals(
          "darkTheme=false\nextendSeconds=\\u12",
          Files.readString(settings.resolveSibling(StudioPreferences.FILE_NAME + ".unreadable")),
          "the damaged file is kept as it was");
      fxRun(() -> fresh.extendSeconds.set(8));
      fxRun(next.controller()::awaitPreferencesSaved);
      assertEquals(8.0, StudioPreferences.read(settings).extendSeconds());
    } finally {
      closeWindow(next);
    }
  }

  @Test
  void autosavedWorkIsOfferedBackAfterACrash(FxRobot robot) {
    generate(robot, "a red cat");
    List<Frame> made = fx(model::frames);
    fxRun(controller::autosaveNow);
    waitUntil("the autosave", 20, () -> "Autosaved".equals(model.status.get()));
    // A crash: no shutdown, so the recovery folder stays. The next start on the same home
    // offers it in the notification bar.
    StudioWindow next = nextStart(home);
    try {
      waitUntil("the recovery offer", 10, () -> next.notifications().isShowing());
      assertEquals("Recover", fx(() -> next.notifications().getActions().get(0).getText()));
      fxRun(() -> next.notifications().getActions().get(0).handle(new ActionEvent()));
      StudioModel recovered = next.controller().model();
      waitUntil("the recovered frames", 20, () -> recovered.frames().size() == made.size());
      for (int i = 0; i < made.size(); i++) {
        assertArrayEquals(made.get(i).argb(), fx(recovered::frames).get(i).argb(), "frame " + i);
      }
      assertEquals("a red cat", fx(() -> recovered.doc().cues().get(0).text()));
      assertTrue(fx(recovered.dirty::get), "recovered work is unsaved until the user saves it");
    } finally {
      closeWindow(next);
    }
  }
}
