package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static studio.causvid.app.ui.StudioFx.fx;
import static studio.causvid.app.ui.StudioFx.fxRun;
import static studio.causvid.app.ui.StudioFx.waitUntil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import studio.causvid.app.project.PromptCue;

/**
 * {@code ./studio bench-ui} on the toy pack: its figures are the window's, and it leaves no trace.
 */
@ExtendWith(ApplicationExtension.class)
class UiBenchTest {
  private static final int SECONDS = 120;
  private final Path home = UiBench.scratchHome();
  private StudioWindow window;

  @Start
  void start(Stage stage) {
    window = StudioApp.open(stage, StudioFx.toyPack(), home);
    stage.show();
  }

  @AfterEach
  void close() {
    fxRun(() -> window.stage().close());
  }

  @Test
  void generatesAndReportsPulseGapsAsOneJsonLine() throws Exception {
    AtomicReference<UiBench.Outcome> outcome = new AtomicReference<>();
    // 120 s of the toy pack (960 frames, made at ~1000 a second once warm): long enough that the
    // clip does not end within one pulse, and that the engine, at most its queue and the
    // hand-off's (64 + 256 events) ahead of the window, is still short of the end when the
    // window sends the follow-up at half. With a short clip it could finish first, and the
    // follow-up would not land.
    fxRun(() -> UiBench.start(window, SECONDS, home, outcome::set));
    waitUntil("the bench to finish", 60, () -> outcome.get() != null);

    assertTrue(outcome.get().ok(), outcome.get().json());
    assertFalse(outcome.get().json().contains("\n"), "one line");
    JsonNode json = new ObjectMapper().readTree(outcome.get().json());
    StudioModel model = window.controller().model();
    int fps = fx(() -> model.format.get().fps());
    int frames = fx(() -> model.frames().size());
    assertEquals(frames, json.get("frames").asInt(), "the frames the window shows");
    assertTrue(
        frames >= SECONDS * fps, frames + " frames for " + SECONDS + " s at " + fps + " fps");
    assertEquals("toy-pack", json.get("pack").asText());
    // About 60 pulses a second: 3 s idle, then the generation.
    assertTrue(json.get("idle").get("pulses").asInt() > 30, json.toString());
    assertTrue(json.get("generating").get("pulses").asInt() > 0, json.toString());
    JsonNode busy = json.get("generating");
    assertTrue(busy.get("p50_ms").asDouble() <= busy.get("p99_ms").asDouble());
    assertTrue(busy.get("p99_ms").asDouble() <= busy.get("max_ms").asDouble());
    assertEquals(busy.get("over_50_ms").asInt(), busy.get("long_gaps_ms_at_uptime_s").size());
    assertTrue(json.get("max_ui_stall_ms").asLong() >= 0);
    // The follow-up sent halfway landed on the prompt track at a block in the clip's second half.
    int fpb = fx(() -> window.controller().framesPerBlock());
    int block = json.get("follow_up_block").asInt();
    assertTrue(block * fpb >= frames / 2 && block * fpb < frames, "follow-up at block " + block);
    assertTrue(
        fx(() -> model.doc().cues().contains(new PromptCue(block, UiBench.FOLLOW_UP))),
        "the timeline holds the follow-up");
    assertFalse(Files.exists(home), "the bench's scratch home is deleted");
  }
}
