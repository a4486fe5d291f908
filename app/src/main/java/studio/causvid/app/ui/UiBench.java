package studio.causvid.app.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javafx.animation.PauseTransition;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.util.Duration;
import studio.causvid.app.project.PromptCue;

/**
 * {@code ./studio bench-ui [--seconds N] [--model DIR]}: opens the real window, lets it idle for 3
 * s, generates N seconds with the bench prompt, steers it with a follow-up prompt once half the
 * clip is made, prints one JSON line of FX pulse-gap figures (idle and generating) and exits. A
 * benchmark: it measures and prints, never fails on timing.
 *
 * <p>It runs the studio as users run it (the packaged jar, the launcher's JVM flags), which the
 * in-test stall bench cannot: JVM options such as a class-data archive apply only to a whole
 * process.
 */
final class UiBench {
  static final double DEFAULT_SECONDS = 20;
  static final String PROMPT = "a red ball bouncing at sunset";
  static final String FOLLOW_UP = "a blue ball bouncing at night";
  private static final double IDLE_SECONDS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a bench run ends with: one JSON line of figures, or of the error that stopped it. */
  record Outcome(boolean ok, String json) {}

  private final StudioWindow window;
  private final double seconds;
  private final Path home;
  private final Consumer<Outcome> done;

  private UiBench(StudioWindow window, double seconds, Path home, Consumer<Outcome> done) {
    this.window = window;
    this.seconds = seconds;
    this.home = home;
    this.done = done;
  }

  /** A scratch studio home, so that a bench never touches the user's recent files or recovery. */
  static Path scratchHome() {
    try {
      return Files.createTempDirectory("causvid-bench-ui");
    } catch (IOException e) {
      throw new IllegalStateException("Cannot make a scratch folder for the bench: " + e, e);
    }
  }

  /**
   * Starts the bench once the window's pack is loaded (FX thread). At the end the window's
   * controller is shut down, {@code home} deleted, and {@code done} told (on the FX thread).
   */
  static void start(StudioWindow window, double seconds, Path home, Consumer<Outcome> done) {
    new UiBench(window, seconds, home, done).whenPackReady();
  }

  private void whenPackReady() {
    StudioModel model = window.controller().model();
    if (!model.loadingPack.get()) {
      ready();
      return;
    }
    once(model.loadingPack, loading -> !loading, this::ready);
  }

  private void ready() {
    StudioModel model = window.controller().model();
    if (model.engine.get() == null) {
      ObjectNode error = JSON.createObjectNode();
      Problem problem = model.problem.get();
      error.put("error", problem == null ? "no model pack loaded" : problem.text());
      finish(new Outcome(false, error.toString()));
      return;
    }
    model.darkTheme.set(true); // the studio's default look, which users measure
    // Frames as fast as the engine makes them: the most the window has to take in.
    model.realTime.set(false);
    window.controller().setLengthSeconds(seconds);
    PulseGaps idle = new PulseGaps();
    idle.start();
    PauseTransition wait = new PauseTransition(Duration.seconds(IDLE_SECONDS));
    wait.setOnFinished(e -> generate(idle.stop()));
    wait.play();
  }

  private void generate(PulseGaps.Summary idle) {
    StudioModel model = window.controller().model();
    PulseGaps busy = new PulseGaps();
    long start = System.nanoTime();
    double uptimeAtStart = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    busy.start();
    steerHalfway(model);
    once(
        model.generating,
        generating -> !generating,
        () -> report(idle, busy.stop(), (System.nanoTime() - start) / 1e9, uptimeAtStart));
    window.controller().submitPrompt(PROMPT);
  }

  /** Sends the follow-up prompt once half the clip is made, as a user steering it would. */
  private void steerHalfway(StudioModel model) {
    int half = model.doc().blocks() * window.controller().framesPerBlock() / 2;
    once(
        model.document,
        doc -> doc.frames().size() >= half && model.generating.get(),
        () -> window.controller().submitPrompt(FOLLOW_UP));
  }

  /** Runs {@code then} the first time {@code value} changes to one that passes {@code when}. */
  private static <T> void once(ObservableValue<T> value, Predicate<T> when, Runnable then) {
    value.addListener(
        new ChangeListener<T>() {
          @Override
          public void changed(ObservableValue<? extends T> o, T was, T now) {
            if (when.test(now)) {
              value.removeListener(this);
              then.run();
            }
          }
        });
  }

  private void report(
      PulseGaps.Summary idle, PulseGaps.Summary busy, double elapsed, double uptimeAtStart) {
    StudioModel model = window.controller().model();
    int frames = model.frames().size();
    ObjectNode out = JSON.createObjectNode();
    out.put("pack", String.valueOf(model.packDir.get().getFileName()));
    out.put("device", model.deviceText.get());
    out.put("frames", frames);
    out.put("seconds", round(elapsed));
    out.put("frames_per_second", round(frames / elapsed));
    out.put("generation_started_at_uptime_s", round(uptimeAtStart));
    // Which class-data archive this JVM was started with, if any (the launcher's choice).
    out.put(
        "class_data_archive",
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-XX:SharedArchiveFile="))
            .findFirst()
            .map(a -> a.substring(a.indexOf('=') + 1))
            .orElse(""));
    // Where the follow-up landed on the prompt track (-1: the clip ended before it could).
    out.put(
        "follow_up_block",
        model.doc().cues().stream()
            .filter(c -> c.text().equals(FOLLOW_UP))
            .mapToInt(PromptCue::block)
            .findFirst()
            .orElse(-1));
    out.set("idle", figures(idle));
    out.set("generating", figures(busy));
    out.put("max_ui_stall_ms", model.longestStallMs.get());
    finish(new Outcome(true, out.toString()));
  }

  private static ObjectNode figures(PulseGaps.Summary s) {
    ObjectNode f = JSON.createObjectNode();
    f.put("pulses", s.pulses());
    f.put("p50_ms", round(s.p50Ms()));
    f.put("p99_ms", round(s.p99Ms()));
    f.put("max_ms", round(s.maxMs()));
    f.put("over_50_ms", s.overBudget());
    ArrayNode when = f.putArray("long_gaps_ms_at_uptime_s");
    for (double[] g : s.longGaps()) {
      when.addArray().add(round(g[0])).add(round(g[1]));
    }
    return f;
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }

  private void finish(Outcome outcome) {
    window.controller().shutdown();
    ProjectFileCleanup.delete(home);
    done.accept(outcome);
  }
}
