package studio.causvid.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.FramePixels;
import studio.causvid.engine.generate.GenerationListener;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.GenerationRunner;
import studio.causvid.engine.generate.GenerationSession;
import studio.causvid.engine.media.ImageFit;
import studio.causvid.engine.media.MediaException;
import studio.causvid.engine.media.MediaReader;
import studio.causvid.engine.media.RgbImage;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.pack.ModelPack;
import studio.causvid.engine.pack.PackException;
import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.runtime.ProviderChoice;
import studio.causvid.engine.runtime.RuntimeOptions;
import studio.causvid.engine.runtime.ThreadPriority;
import studio.causvid.engine.text.TokenizedPrompt;
import studio.causvid.engine.text.Tokenizer;

/**
 * The engine the studio talks to: one model pack loaded once, and one engine thread on which every
 * graph runs. Generations are queued on that thread and run one at a time.
 */
public final class StudioEngine implements AutoCloseable {
  /** Default size of a listener's queue, in events. */
  public static final int DEFAULT_QUEUE = 64;

  private final ModelPack pack;
  private final PackGraphs graphs;
  private final Tokenizer tokenizer;
  private final GenerationRunner runner;
  private final ExecutorService thread;

  private final String threadPriority;

  private StudioEngine(ModelPack pack, PackGraphs graphs, int engineNice) {
    this.pack = pack;
    this.graphs = graphs;
    this.tokenizer = new Tokenizer(pack.manifest().text());
    this.runner = new GenerationRunner(graphs);
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "causvid-engine");
              t.setDaemon(true);
              return t;
            });
    this.threadPriority =
        engineNice == 0
            ? "engine thread at normal priority"
            : onEngineThread(() -> ThreadPriority.lowerCurrentThread(engineNice));
  }

  /** Opens and validates the pack in {@code packDir} and loads its graphs. */
  public static StudioEngine open(Path packDir, RuntimeOptions options) throws PackException {
    ModelPack pack = ModelPack.open(packDir);
    return new StudioEngine(pack, PackGraphs.load(pack, options), options.engineNice());
  }

  public ModelPack pack() {
    return pack;
  }

  public Manifest manifest() {
    return pack.manifest();
  }

  /** What became of the engine thread's priority ({@link RuntimeOptions#engineNice}), for logs. */
  public String threadPriority() {
    return threadPriority;
  }

  /** The device the graphs run on, and why. */
  public ProviderChoice provider() {
    return graphs.provider();
  }

  /** How a prompt tokenizes, e.g. to show unknown words while the user types. */
  public TokenizedPrompt tokenize(String prompt) {
    return tokenizer.tokenize(prompt);
  }

  /**
   * Starts a generation on the engine thread. Each listener gets its own bounded queue ({@link
   * #DEFAULT_QUEUE} events) with the given delivery policy.
   */
  public GenerationSession start(
      GenerationRequest request, Delivery delivery, GenerationListener... listeners) {
    GenerationSession session = GenerationRunner.newSession(request);
    for (GenerationListener l : listeners) {
      session.listen(l, delivery, DEFAULT_QUEUE);
    }
    return start(session);
  }

  /** Starts a session prepared with {@link #newSession} and its own listeners. */
  public GenerationSession start(GenerationSession session) {
    thread.execute(() -> runner.run(session));
    return session;
  }

  /** A session not yet started, to attach listeners with custom queues first. */
  public GenerationSession newSession(GenerationRequest request) {
    return GenerationRunner.newSession(request);
  }

  /**
   * Image-to-video: the photo center-cropped to the pack's aspect ratio, resized to its frame size
   * and encoded; pass it as {@code new StartFrom.Photo(latent)}.
   */
  public float[] encodePhoto(Path photo) throws MediaException {
    RgbImage image = MediaReader.readPhoto(photo);
    return encode(List.of(fit(image))).get(0);
  }

  /**
   * Video extension: the last whole blocks of {@code video} (up to {@code context_frames} frames,
   * at least one block), resampled to the pack's fps and encoded; pass them as {@code new
   * StartFrom.Context(latents)}.
   */
  public List<float[]> encodeVideoTail(Path video) throws MediaException {
    Manifest m = manifest();
    int f = m.framesPerBlock();
    MediaReader.VideoTail tail =
        MediaReader.readVideoTail(
            video,
            m.video().width(),
            m.video().height(),
            m.student().contextFrames(),
            m.video().fps());
    int usable = tail.frames().size() / f * f;
    if (usable == 0) {
      throw new MediaException(
          video
              + " is too short to extend: it needs at least "
              + f
              + " frames at "
              + m.video().fps()
              + " fps, it has "
              + tail.frames().size()
              + ".");
    }
    List<RgbImage> frames =
        tail.frames().subList(tail.frames().size() - usable, tail.frames().size());
    return encode(frames);
  }

  /** Fits any picture to the pack's frame (center crop, then resize). */
  public RgbImage fit(RgbImage image) {
    return ImageFit.centerCropResize(
        image, manifest().video().width(), manifest().video().height());
  }

  /** Encodes frames of the pack's size to latents, on the engine thread. */
  public List<float[]> encode(List<RgbImage> frames) {
    return onEngineThread(
        () -> {
          int w = manifest().video().width();
          int h = manifest().video().height();
          float[] planar = new float[frames.size() * 3 * w * h];
          for (int i = 0; i < frames.size(); i++) {
            FramePixels.toPlanar(frames.get(i).argb(), planar, i);
          }
          float[] latents = graphs.encodeFrames(planar, frames.size());
          int size = manifest().latent().frameSize();
          List<float[]> out = new ArrayList<>();
          for (int i = 0; i < frames.size(); i++) {
            float[] one = new float[size];
            System.arraycopy(latents, i * size, one, 0, size);
            out.add(one);
          }
          return out;
        });
  }

  /** Decodes latents to pictures, on the engine thread. */
  public List<RgbImage> decode(List<float[]> latents) {
    return onEngineThread(
        () -> {
          int size = manifest().latent().frameSize();
          float[] all = new float[latents.size() * size];
          for (int i = 0; i < latents.size(); i++) {
            System.arraycopy(latents.get(i), 0, all, i * size, size);
          }
          float[] rgb = graphs.decodeFrames(all, latents.size());
          int w = manifest().video().width();
          int h = manifest().video().height();
          List<RgbImage> out = new ArrayList<>();
          for (int i = 0; i < latents.size(); i++) {
            out.add(new RgbImage(w, h, FramePixels.toArgb(rgb, i, w, h)));
          }
          return out;
        });
  }

  /** Runs {@code work} on the engine thread and waits for it (package-private for tests). */
  <T> T onEngineThread(Callable<T> work) {
    try {
      return thread.submit(work).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the engine", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops the engine thread (after the running generation) and frees the graphs. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    graphs.close();
  }
}
