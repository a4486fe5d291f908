package studio.causvid.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import studio.causvid.engine.StudioEngine;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.GenerationSession;
import studio.causvid.engine.generate.PromptTimeline;
import studio.causvid.engine.generate.StartFrom;
import studio.causvid.engine.media.FrameWriter;
import studio.causvid.engine.media.MediaException;
import studio.causvid.engine.media.RgbImage;
import studio.causvid.engine.pack.Manifest;

/** {@code studio generate}: renders a prompt schedule to an MP4, a GIF or a folder of PNGs. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate a video from a prompt schedule, a photo or a video to extend.")
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "Prompt at 0 s.")
  String prompt;

  @Option(
      names = "--at",
      arity = "2",
      paramLabel = "SECONDS TEXT",
      description = "Switch to TEXT at SECONDS (repeatable); takes effect at the next block.")
  List<String> at = new ArrayList<>();

  static final class Start {
    @Option(names = "--image", paramLabel = "PHOTO", description = "Animate this photo.")
    Path image;

    @Option(names = "--extend", paramLabel = "VIDEO", description = "Continue this video.")
    Path extend;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Start start;

  @Option(names = "--seconds", paramLabel = "N", description = "Length (default: 4).")
  double seconds = 4;

  @Option(names = "--seed", paramLabel = "S", description = "Noise seed (default: 0).")
  long seed = 0;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = ".mp4, .gif, or a folder name for PNG frames.")
  Path out;

  @Option(names = "--teacher", description = "Use the slow bidirectional teacher (best quality).")
  boolean teacher;

  @Mixin EngineOptions engineOptions = new EngineOptions();

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    if (!(seconds > 0)) {
      throw new CliErrors.UserError("--seconds must be more than 0.");
    }
    PromptTimeline timeline = PromptTimeline.of(prompt);
    for (int i = 0; i + 1 < at.size(); i += 2) {
      double when;
      try {
        when = Double.parseDouble(at.get(i));
      } catch (NumberFormatException e) {
        throw new CliErrors.UserError(
            "--at needs SECONDS then TEXT; '" + at.get(i) + "' is not a number.");
      }
      if (when < 0) {
        throw new CliErrors.UserError("--at " + at.get(i) + ": time cannot be negative.");
      }
      timeline = timeline.with(when, at.get(i + 1));
    }
    try (StudioEngine engine =
        StudioEngine.open(engineOptions.modelDir(), engineOptions.runtime())) {
      Manifest m = engine.manifest();
      if (teacher && !engine.pack().hasTeacher()) {
        throw new CliErrors.UserError("Model pack " + m.name() + " has no teacher graph.");
      }
      for (var segment : timeline.segments()) {
        var tokens = engine.tokenize(segment.text());
        var unknown = tokens.unknownWords();
        if (!tokens.droppedWords().isEmpty()) {
          err.println(
              "warning: \""
                  + segment.text()
                  + "\" is longer than the model reads; it ignores: "
                  + String.join(" ", tokens.droppedWords()));
        }
        if (!unknown.isEmpty()) {
          err.println(
              "warning: unknown words in \""
                  + segment.text()
                  + "\": "
                  + String.join(", ", unknown)
                  + " (the model ignores them)");
        }
      }
      int fps = m.video().fps();
      int framesWanted = (int) Math.max(1, Math.round(seconds * fps));
      int blocks = GenerationRequest.blocksFor(seconds, fps, m.framesPerBlock());
      StartFrom from = new StartFrom.Noise();
      if (start != null && start.image != null) {
        from = new StartFrom.Photo(engine.encodePhoto(start.image));
      } else if (start != null && start.extend != null) {
        from = new StartFrom.Context(engine.encodeVideoTail(start.extend));
      }
      GenerationRequest request =
          new GenerationRequest(
              timeline,
              seed,
              blocks,
              from,
              teacher ? GenerationRequest.Sampler.TEACHER : GenerationRequest.Sampler.STUDENT);
      err.println(
          "Generating "
              + framesWanted
              + " frames ("
              + m.video().width()
              + "x"
              + m.video().height()
              + " at "
              + fps
              + " fps) on "
              + engine.provider()
              + " with "
              + m.name()
              + (teacher ? " teacher" : " student"));
      return render(engine, request, framesWanted, err);
    }
  }

  private int render(
      StudioEngine engine, GenerationRequest request, int framesWanted, PrintStream err)
      throws Exception {
    Manifest m = engine.manifest();
    AtomicReference<Exception> writeError = new AtomicReference<>();
    long t0 = System.nanoTime();
    int[] written = {0};
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    try (FrameWriter writer =
        FrameWriter.open(out, m.video().width(), m.video().height(), m.video().fps())) {
      GenerationSession session = engine.newSession(request);
      session.listen(
          event -> {
            if (event instanceof GenerationEvent.Progress p) {
              // The teacher: nothing to write until a window of its steps is done.
              err.printf(Locale.ROOT, "\rteacher  %3.0f%%   ", 100 * p.fraction());
              err.flush();
            }
            if (event instanceof GenerationEvent.FrameReady ready && written[0] < framesWanted) {
              if (writeError.get() != null) {
                return;
              }
              var f = ready.frame();
              try {
                writer.write(new RgbImage(f.width(), f.height(), f.argb()));
                written[0]++;
              } catch (MediaException e) {
                writeError.set(e);
                session.cancel();
                return;
              }
              double elapsed = (System.nanoTime() - t0) / 1e9;
              err.printf(
                  "\rblock %d  frame %d/%d  %.1f frames/s   ",
                  f.block(), written[0], framesWanted, written[0] / Math.max(elapsed, 1e-9));
              err.flush();
            }
          },
          Delivery.BLOCK,
          StudioEngine.DEFAULT_QUEUE);
      // Ctrl-C cancels, then waits briefly so the writer can discard its temporary file.
      Thread hook =
          new Thread(
              () -> {
                session.cancel();
                try {
                  closed.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "causvid-cancel");
      Runtime.getRuntime().addShutdownHook(hook);
      engine.start(session);
      GenerationEvent end = session.completion().get();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the writer closes below without committing.
      }
      err.println();
      if (writeError.get() != null) {
        throw writeError.get();
      }
      if (end instanceof GenerationEvent.Failed failed) {
        throw new CliErrors.UserError("generation failed: " + failed.message());
      }
      if (end instanceof GenerationEvent.Cancelled) {
        err.println("cancelled; " + out + " was not changed");
        return CliErrors.EXIT_CANCELLED;
      }
      writer.commit();
    } finally {
      closed.countDown();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    err.printf("Wrote %s (%d frames) in %.1f s%n", out, written[0], elapsed);
    return 0;
  }
}
