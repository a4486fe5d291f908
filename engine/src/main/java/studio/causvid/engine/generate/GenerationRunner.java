package studio.causvid.engine.generate;

import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.text.Tokenizer;

/** Runs one session's request to its terminal event; called on the engine thread. */
public final class GenerationRunner {
  private final PackGraphs graphs;
  private final PromptEncoder prompts;

  public GenerationRunner(PackGraphs graphs) {
    this.graphs = graphs;
    this.prompts = new PromptEncoder(new Tokenizer(graphs.pack().manifest().text()), graphs);
  }

  /** A session for {@code request}; add listeners, then pass it to {@link #run}. */
  public static GenerationSession newSession(GenerationRequest request) {
    return new GenerationSession(request);
  }

  public void run(GenerationSession session) {
    GenerationRequest request = session.request();
    var m = graphs.pack().manifest();
    int firstBlock =
        request.start() instanceof StartFrom.Context c
            ? c.latents().size() / m.framesPerBlock()
            : 0;
    long started = System.nanoTime();
    int[] frames = {0};
    java.util.function.Consumer<GenerationEvent> emit =
        e -> {
          if (e instanceof GenerationEvent.FrameReady) {
            frames[0]++;
          }
          session.emit(e);
        };
    GenerationEvent terminal;
    try {
      if (request.sampler() == GenerationRequest.Sampler.TEACHER && !graphs.pack().hasTeacher()) {
        throw new IllegalArgumentException(
            "Model pack " + graphs.pack().manifest().name() + " has no teacher graph.");
      }
      session.emit(
          new GenerationEvent.Started(
              firstBlock,
              request.blocks(),
              m.video().width(),
              m.video().height(),
              m.video().fps(),
              request.sampler(),
              graphs.provider()));
      RunControl control = session.control();
      if (request.sampler() == GenerationRequest.Sampler.TEACHER) {
        new TeacherSampler(graphs, prompts).run(request, control, emit);
      } else {
        new StudentBlockLoop(graphs, prompts).run(request, control, emit);
      }
      terminal = new GenerationEvent.Finished(frames[0], System.nanoTime() - started);
    } catch (RunControl.CancelledRun e) {
      terminal = new GenerationEvent.Cancelled(frames[0]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminal = new GenerationEvent.Cancelled(frames[0]);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      terminal = new GenerationEvent.Failed(message, e);
    }
    session.finish(terminal);
  }
}
