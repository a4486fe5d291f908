package studio.causvid.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javafx.animation.AnimationTimer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.concurrent.Task;
import javafx.util.Duration;
import studio.causvid.app.project.ClipFormat;
import studio.causvid.app.project.Document;
import studio.causvid.app.project.ProjectFile;
import studio.causvid.app.project.PromptCue;
import studio.causvid.app.project.Source;
import studio.causvid.engine.StudioEngine;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.GenerationSession;
import studio.causvid.engine.generate.StartFrom;
import studio.causvid.engine.media.MediaReader;
import studio.causvid.engine.media.RgbImage;
import studio.causvid.engine.media.StillImage;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.runtime.Device;
import studio.causvid.engine.runtime.RuntimeOptions;

/**
 * The studio's actions: each one reads the model, hands slow work to the engine thread or a
 * background task, and writes the result back to the model on the FX thread.
 */
public final class StudioController {
  private static final List<String> PHOTO_TYPES =
      List.of("png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff");
  private static final List<String> VIDEO_TYPES =
      List.of("mp4", "mov", "webm", "mkv", "avi", "gif", "m4v");

  /**
   * Threads one graph run may use: all cores but one, which stays free for the FX and render
   * threads so that the window keeps drawing while the model runs on the CPU.
   */
  static final int ENGINE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  /**
   * The engine thread's nice value: when the window and a generation want the same core, the window
   * draws first and the generation waits a few milliseconds. {@code -Dcausvid.engine.nice=0} keeps
   * normal priority (to compare with the stall bench).
   */
  static final int ENGINE_NICE =
      Math.max(0, Math.min(19, Integer.getInteger("causvid.engine.nice", 10)));

  private final StudioModel model;
  private final Path home;
  private final PreferencesKeeper preferences;
  private final Random seeds = new Random();
  private GenerationSession session;
  private Document beforeGeneration;
  private String generationName;
  private String pendingFollowUp;
  private long generationStart;
  private int keptFrames;
  private int framesWanted; // by the running generation
  private Timeline autosave;

  /** Asks the user for a pack folder; set by the window. */
  Runnable packChooser = () -> {};

  public StudioController(StudioModel model, Path home) {
    this.model = model;
    this.home = home;
    // Before anything reads them: the device decides how the first pack opens.
    preferences = new PreferencesKeeper(model, home);
    preferences.restoreAndKeep();
    loadRecent();
    startStallMeter();
    startPlayer();
    startAutosave();
    model.realTime.addListener((o, was, now) -> paceRunningGeneration());
  }

  public StudioModel model() {
    return model;
  }

  /** Waits for the settings saves already asked for (the tests read the file after). */
  void awaitPreferencesSaved() {
    preferences.awaitSaves();
  }

  // ---- Model pack ---------------------------------------------------------------------------

  /**
   * Opens a pack folder in the background; the old engine keeps working until the new one is ready.
   */
  public void openPack(Path dir) {
    if (model.generating.get()) {
      model.problem.set(Problem.of("Stop the generation before switching the model pack."));
      return;
    }
    Device device = model.device.get();
    model.loadingPack.set(true);
    model.status.set("Loading model pack " + dir + " …");
    Background.run(
        "pack-loader",
        () -> {
          if (!Files.isDirectory(dir)) {
            throw new IOException(
                "No model pack at "
                    + dir.toAbsolutePath()
                    + ". Open a pack folder (File > Open model pack…) or start with --model DIR.");
          }
          return StudioEngine.open(dir, new RuntimeOptions(device, ENGINE_THREADS, ENGINE_NICE));
        },
        engine -> {
          StudioEngine old = model.engine.get();
          model.engine.set(engine);
          model.packDir.set(dir);
          Manifest m = engine.manifest();
          model.format.set(
              new ClipFormat(
                  m.video().width(),
                  m.video().height(),
                  m.video().fps(),
                  m.framesPerBlock(),
                  m.latent().frameSize()));
          model.deviceText.set(engine.provider().provider());
          model.deviceDetail.set(engine.provider().reason() + ". " + engine.threadPriority() + ".");
          model.loadingPack.set(false);
          model.status.set("Model pack " + m.name() + " ready on " + engine.provider());
          if (model.problem.get() != null && model.problem.get().text().contains("pack")) {
            model.problem.set(null);
          }
          if (old != null) {
            Background.run(
                "engine-close",
                () -> {
                  old.close();
                  return null;
                },
                x -> {},
                x -> {});
          }
        },
        error -> {
          model.loadingPack.set(false);
          model.status.set("No model pack loaded");
          model.problem.set(
              new Problem(
                  "Model pack problem: " + Background.message(error),
                  "Open pack folder…",
                  () -> packChooser.run()));
        });
  }

  public int framesPerBlock() {
    ClipFormat f = model.format.get();
    return f == null ? 1 : f.framesPerBlock();
  }

  public int fps() {
    ClipFormat f = model.format.get();
    return f == null ? 16 : f.fps();
  }

  /** Seconds one block lasts, in the loaded pack's format. */
  public double blockSeconds() {
    return blockStart(1);
  }

  /** When {@code block} starts, in seconds, in the loaded pack's format. */
  public double blockStart(int block) {
    return ClipFormat.blockStart(block, framesPerBlock(), fps());
  }

  /** The block whose start is nearest {@code seconds}, in the loaded pack's format. */
  public int nearestBlock(double seconds) {
    return ClipFormat.nearestBlock(seconds, framesPerBlock(), fps());
  }

  // ---- Generation ---------------------------------------------------------------------------

  /** Enter in the prompt bar: a new generation, or a follow-up while one runs. */
  public void submitPrompt(String prompt) {
    if (prompt == null || prompt.isBlank()) {
      return;
    }
    if (model.generating.get()) {
      pendingFollowUp = prompt;
      session.submitPrompt(prompt);
      model.status.set("Follow-up queued: \"" + prompt + "\" takes effect at the next block");
      return;
    }
    if (!requireEngine()) {
      return;
    }
    Document doc = model.doc();
    int first = firstGeneratedBlock(doc);
    List<PromptCue> cues = StudioModel.withCue(doc.cues(), new PromptCue(first, prompt), true);
    run(first, doc.withCues(cues), "Generate \"" + prompt + "\"");
  }

  /** Keeps the frames before the playhead's block and re-rolls the rest with a new seed. */
  public void regenerateFromPlayhead() {
    if (model.generating.get() || !requireEngine()) {
      return;
    }
    Document doc = model.doc();
    if (doc.cues().isEmpty()) {
      model.problem.set(Problem.of("Type a prompt first: there is nothing to regenerate yet."));
      return;
    }
    int block = Math.max(firstGeneratedBlock(doc), model.playhead.get() / framesPerBlock());
    block = Math.min(block, doc.frames().size() / framesPerBlock());
    run(block, doc.withSeed(seeds.nextInt(1 << 30)), "Regenerate from block " + block);
  }

  /** How far Extend can take the clip at once, in seconds (its button's menu). */
  public static final List<Double> EXTEND_CHOICES = List.of(1.0, 2.0, 4.0, 8.0);

  /** What the Extend menus call an extension by {@code seconds}. */
  static String extendByLabel(double seconds) {
    return String.format(Locale.ROOT, "Extend by %.0f s", seconds);
  }

  /**
   * Continues the clip from its last whole block by {@code seconds}: the frames made stay and the
   * model streams on from them (its cache rebuilt from their latents, as regenerate does), under
   * {@code prompt} from there when it is not blank, else under the timeline's prompts. One undo
   * step; the clip's length becomes what was made plus {@code seconds}. Whether it started.
   */
  public boolean extend(double seconds, String prompt) {
    if (model.generating.get() || !requireEngine()) {
      return false;
    }
    Document doc = model.doc();
    int f = framesPerBlock();
    int made = doc.frames().size() / f;
    int first = firstGeneratedBlock(doc);
    boolean prompted = prompt != null && !prompt.isBlank();
    // An imported video extends too, given a prompt; a photo alone is animated with Enter.
    if (made == 0 || (doc.cues().isEmpty() && !prompted)) {
      model.problem.set(
          Problem.of(
              "Generate a clip first, or import a video and type a prompt: there is nothing to"
                  + " extend yet."));
      return false;
    }
    Document longer = doc.withBlocks(made - first + GenerationRequest.blocksFor(seconds, fps(), f));
    if (prompted) {
      longer =
          longer.withCues(
              StudioModel.withCue(doc.cues(), new PromptCue(made, prompt.trim()), true));
    }
    run(made, longer, String.format(Locale.ROOT, "Extend by %.3g s", seconds));
    return true;
  }

  private int firstGeneratedBlock(Document doc) {
    return doc.source() == Source.VIDEO ? doc.sourceFrames() / framesPerBlock() : 0;
  }

  private void run(int firstBlock, Document base, String name) {
    StudioEngine engine = model.engine.get();
    int f = framesPerBlock();
    int total = firstGeneratedBlock(base) + base.blocks();
    int blocks = Math.max(1, total - firstBlock);
    List<Frame> kept =
        new ArrayList<>(base.frames().subList(0, Math.min(base.frames().size(), firstBlock * f)));
    StartFrom start;
    if (firstBlock > 0) {
      List<float[]> latents = new ArrayList<>();
      for (Frame fr : kept) {
        latents.add(fr.latent());
      }
      start = new StartFrom.Context(latents);
    } else if (base.source() == Source.PHOTO && !base.frames().isEmpty()) {
      start = new StartFrom.Photo(base.frames().get(0).latent());
    } else {
      start = new StartFrom.Noise();
    }
    GenerationRequest request =
        new GenerationRequest(base.timeline(fps(), f), base.seed(), blocks, start, base.sampler());
    beforeGeneration = model.doc();
    generationName = name;
    pendingFollowUp = null;
    model.replace(base.withFrames(kept));
    keptFrames = kept.size();
    framesWanted = blocks * f;
    model.generationProgress.set(0);
    model.generating.set(true);
    model.generationPaused.set(false);
    model.playing.set(false);
    model.longestStallMs.set(0);
    model.generationFps.set(0);
    model.playbackSpeed.set(1);
    model.problem.set(null);
    generationStart = System.nanoTime();
    model.status.set(
        "Generating "
            + blocks
            + " blocks from block "
            + firstBlock
            + " (seed "
            + base.seed()
            + ")");
    session = engine.newSession(request);
    paceRunningGeneration();
    // BLOCK: every frame reaches the clip; the hand-off's bounded queue paces the engine.
    session.listen(new FrameHandoff(this::onEvents), Delivery.BLOCK, StudioEngine.DEFAULT_QUEUE);
    engine.start(session);
  }

  /** Plays the running student stream in real time or not, as the model says (FX thread). */
  private void paceRunningGeneration() {
    // The teacher has nothing to stream: its frames come at the end, all at once.
    if (session != null && session.request().sampler() == GenerationRequest.Sampler.STUDENT) {
      session.paceToPlayback(model.realTime.get() ? fps() : 0);
    }
  }

  private void onEvents(List<GenerationEvent> batch) {
    Document doc = model.doc();
    List<Frame> frames = null;
    List<PromptCue> cues = doc.cues();
    GenerationEvent terminal = null;
    for (GenerationEvent e : batch) {
      if (e instanceof GenerationEvent.FrameReady r) {
        if (frames == null) {
          frames = new ArrayList<>(doc.frames());
        }
        Frame fr = r.frame();
        while (frames.size() > fr.index()) {
          frames.remove(frames.size() - 1);
        }
        frames.add(fr);
      } else if (e instanceof GenerationEvent.Progress p) {
        model.generationProgress.set(p.fraction());
      } else if (e instanceof GenerationEvent.PromptApplied p) {
        if (pendingFollowUp != null && pendingFollowUp.equals(p.prompt())) {
          cues = StudioModel.withCue(cues, new PromptCue(p.block(), p.prompt()), true);
          pendingFollowUp = null;
          model.status.set(
              String.format(
                  Locale.ROOT,
                  "Follow-up \"%s\" took effect at %.2f s (block %d)",
                  p.prompt(),
                  blockStart(p.block()),
                  p.block()));
        }
        if (!p.unknownWords().isEmpty()) {
          model.status.set(
              "Unknown words at block " + p.block() + ": " + String.join(", ", p.unknownWords()));
        }
      } else if (e.isTerminal()) {
        terminal = e;
      }
    }
    if (frames != null || cues != doc.cues()) {
      Document next = doc.withCues(cues);
      if (frames != null) {
        next = next.withFrames(frames);
        // Frames this generation made: those kept from before it (regenerate, extend) are not.
        int made = frames.size() - keptFrames;
        model.generationProgress.set(Math.min(1, made / (double) Math.max(1, framesWanted)));
        double seconds = (System.nanoTime() - generationStart) / 1e9;
        model.generationFps.set(seconds > 0 ? made / seconds : 0);
        if (session != null) {
          model.playbackSpeed.set(session.playbackSpeed());
        }
      }
      model.replace(next);
      // The playhead follows the newest frame while generating: this is the live preview.
      model.playhead.set(Math.max(0, next.frames().size() - 1));
    }
    if (terminal != null) {
      finish(terminal);
    }
  }

  private void finish(GenerationEvent terminal) {
    model.generationProgress.set(0);
    model.generating.set(false);
    model.generationPaused.set(false);
    session = null;
    if (!model.doc().equals(beforeGeneration)) {
      model.record(generationName, beforeGeneration, model.doc());
    }
    if (terminal instanceof GenerationEvent.Finished f) {
      model.status.set(
          String.format(
              Locale.ROOT, "Generated %d frames in %.1f s", f.frames(), f.elapsedNanos() / 1e9));
    } else if (terminal instanceof GenerationEvent.Cancelled c) {
      model.status.set("Stopped after " + c.frames() + " frames");
    } else if (terminal instanceof GenerationEvent.Failed f) {
      model.problem.set(
          Problem.of("Generation failed: " + f.message() + " The frames made so far are kept."));
    }
  }

  public void stopGeneration() {
    if (session != null) {
      session.cancel();
    }
  }

  public void togglePauseGeneration() {
    if (session == null) {
      return;
    }
    if (session.isPaused()) {
      session.resume();
      model.generationPaused.set(false);
    } else {
      session.pause();
      model.generationPaused.set(true);
    }
  }

  private boolean requireEngine() {
    if (model.engine.get() == null) {
      model.problem.set(
          new Problem(
              model.loadingPack.get()
                  ? "The model pack is still loading; try again in a moment."
                  : "No model pack is loaded: open a pack folder first.",
              "Open pack folder…",
              () -> packChooser.run()));
      return false;
    }
    return true;
  }

  // ---- Import -------------------------------------------------------------------------------

  public static boolean isPhoto(Path p) {
    return PHOTO_TYPES.contains(extension(p));
  }

  public static boolean isVideo(Path p) {
    return VIDEO_TYPES.contains(extension(p));
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1);
  }

  /** A photo becomes frame 0 (image-to-video); a video's last blocks become the clip to extend. */
  public void importFile(Path file) {
    if (model.generating.get()) {
      model.problem.set(
          Problem.of("Stop the generation before importing " + file.getFileName() + "."));
      return;
    }
    if (!requireEngine()) {
      return;
    }
    StudioEngine engine = model.engine.get();
    boolean photo = isPhoto(file);
    if (!photo && !isVideo(file)) {
      model.problem.set(
          Problem.of(
              file.getFileName()
                  + " is neither a photo ("
                  + String.join(", ", PHOTO_TYPES)
                  + ") nor a video ("
                  + String.join(", ", VIDEO_TYPES)
                  + ")."));
      return;
    }
    model.status.set("Importing " + file + " …");
    Background.run(
        "import",
        () -> {
          if (photo) {
            float[] latent = engine.encodePhoto(file);
            RgbImage pixels = engine.fit(MediaReader.readPhoto(file));
            return List.of(
                new Frame(0, 0, 0, "", pixels.argb(), pixels.width(), pixels.height(), latent));
          }
          List<float[]> latents = engine.encodeVideoTail(file);
          List<RgbImage> images = engine.decode(latents);
          int f = engine.manifest().framesPerBlock();
          int fps = engine.manifest().video().fps();
          List<Frame> frames = new ArrayList<>();
          for (int i = 0; i < images.size(); i++) {
            RgbImage im = images.get(i);
            frames.add(
                new Frame(
                    i / f,
                    i,
                    (double) i / fps,
                    "",
                    im.argb(),
                    im.width(),
                    im.height(),
                    latents.get(i)));
          }
          return frames;
        },
        frames -> {
          Source kind = photo ? Source.PHOTO : Source.VIDEO;
          model.edit(
              photo ? "Import photo" : "Import video",
              d ->
                  d.withSource(kind, file.toAbsolutePath(), frames.size(), frames)
                      .withCues(List.of()));
          model.playhead.set(photo ? 0 : frames.size() - 1);
          model.problem.set(null);
          model.status.set(
              photo
                  ? "Photo " + file.getFileName() + " is frame 0: type a prompt to animate it"
                  : String.format(
                      Locale.ROOT,
                      "Video %s: its last %d frames (%.2f s, as much as the model sees) start the"
                          + " clip; type a prompt to extend it",
                      file.getFileName(),
                      frames.size(),
                      frames.size() / (double) fps()));
        },
        error ->
            failed(
                "Not imported",
                "Cannot import: "
                    + Background.message(error)
                    + " Your clip is unchanged; choose another file."));
  }

  // ---- Timeline edits -----------------------------------------------------------------------

  public void editCueText(int block, String text) {
    model.edit(
        "Edit prompt",
        d -> {
          List<PromptCue> cues = new ArrayList<>();
          for (PromptCue c : d.cues()) {
            cues.add(c.block() == block ? new PromptCue(block, text) : c);
          }
          return d.withCues(cues);
        });
  }

  public void moveCue(int from, int to) {
    if (from == 0 || to <= 0 || from == to) {
      return;
    }
    Document d = model.doc();
    PromptCue moving = null;
    for (PromptCue c : d.cues()) {
      if (c.block() == from) {
        moving = c;
      }
    }
    if (moving == null) {
      return;
    }
    List<PromptCue> cues = new ArrayList<>();
    for (PromptCue c : d.cues()) {
      if (c.block() != from && c.block() != to) {
        cues.add(c);
      }
    }
    cues.add(new PromptCue(to, moving.text()));
    model.edit("Move prompt", x -> x.withCues(cues));
    model.selectedCue.set(to);
  }

  /** A new cue at the playhead's block, with the prompt in effect there, ready to be edited. */
  public void splitAtPlayhead() {
    int block = model.playhead.get() / framesPerBlock();
    PromptCue in = model.doc().cueAt(block);
    if (in == null || in.block() == block) {
      model.selectedCue.set(in == null ? -1 : in.block());
      return;
    }
    model.edit(
        "Split prompt",
        d -> d.withCues(StudioModel.withCue(d.cues(), new PromptCue(block, in.text()), false)));
    model.selectedCue.set(block);
  }

  public void deleteCue(int block) {
    Document d = model.doc();
    if (d.cues().size() <= 1) {
      model.problem.set(
          Problem.of("The clip needs at least one prompt: edit it instead of deleting it."));
      return;
    }
    List<PromptCue> cues = new ArrayList<>();
    for (PromptCue c : d.cues()) {
      if (c.block() != block) {
        cues.add(c);
      }
    }
    if (!cues.isEmpty() && cues.get(0).block() != 0) {
      // The first prompt always starts the clip.
      PromptCue first = cues.remove(0);
      cues.add(0, new PromptCue(0, first.text()));
    }
    model.edit("Delete prompt", x -> x.withCues(cues));
    model.selectedCue.set(-1);
  }

  public void setSeed(long seed) {
    model.edit("Set seed", d -> d.withSeed(seed));
  }

  public void setLengthSeconds(double seconds) {
    int blocks = GenerationRequest.blocksFor(seconds, fps(), framesPerBlock());
    model.edit("Set length", d -> d.withBlocks(blocks));
  }

  public void setSampler(GenerationRequest.Sampler sampler) {
    model.edit("Set quality", d -> d.withSampler(sampler));
  }

  // ---- Transport ----------------------------------------------------------------------------

  public void togglePlay() {
    if (model.frames().isEmpty()) {
      return;
    }
    if (!model.playing.get() && model.playhead.get() >= model.frames().size() - 1) {
      model.playhead.set(0);
    }
    model.playing.set(!model.playing.get());
  }

  public void step(int delta) {
    model.playing.set(false);
    int n = model.frames().size();
    if (n > 0) {
      model.playhead.set(Math.max(0, Math.min(n - 1, model.playhead.get() + delta)));
    }
  }

  public void home() {
    model.playing.set(false);
    model.playhead.set(0);
  }

  public void end() {
    model.playing.set(false);
    model.playhead.set(Math.max(0, model.frames().size() - 1));
  }

  private void startPlayer() {
    new AnimationTimer() {
      private long last;
      private double carry;

      @Override
      public void handle(long now) {
        if (!model.playing.get() || model.generating.get()) {
          last = 0;
          carry = 0;
          return;
        }
        if (last == 0) {
          last = now;
          return;
        }
        carry += (now - last) / 1e9 * fps();
        last = now;
        int advance = (int) carry;
        if (advance == 0) {
          return;
        }
        carry -= advance;
        int n = model.frames().size();
        int next = model.playhead.get() + advance;
        if (next >= n) {
          if (model.loop.get() && n > 0) {
            next %= n;
          } else {
            next = n - 1;
            model.playing.set(false);
          }
        }
        model.playhead.set(Math.max(0, next));
      }
    }.start();
  }

  /**
   * Measures the gaps between FX pulses while generating: the longest is the worst stall. The timer
   * itself keeps pulses coming (about 60 a second), so a gap longer than a frame means the FX
   * thread was busy. A gap counts when the generation runs at either end of it, so starting it and
   * the work on its last batch (and on finishing) are measured too.
   */
  private void startStallMeter() {
    new AnimationTimer() {
      private long last;
      private boolean measuring;

      @Override
      public void handle(long now) {
        long t = System.nanoTime();
        boolean generating = model.generating.get();
        if ((measuring || generating) && last != 0) {
          long gap = (t - last) / 1_000_000;
          if (gap > model.longestStallMs.get()) {
            model.longestStallMs.set(gap);
          }
        }
        last = t;
        measuring = generating;
      }
    }.start();
  }

  // ---- Projects -----------------------------------------------------------------------------

  public void newProject() {
    if (model.generating.get()) {
      stopGeneration();
    }
    Document d = model.doc();
    model.reset(Document.empty(seeds.nextInt(1 << 30), d.blocks()), null);
    model.status.set("New project");
  }

  /** Saves to {@code path} (a {@code .causvid} folder) in the background. */
  public void saveAs(Path path, Runnable after) {
    ClipFormat format = model.format.get();
    if (format == null) {
      model.problem.set(Problem.of("Nothing to save yet: no model pack is loaded."));
      return;
    }
    Document doc = model.doc();
    Path target = ProjectFile.withExtension(path).toAbsolutePath();
    String packName = model.engine.get() == null ? "" : model.engine.get().manifest().name();
    Path packDir = model.packDir.get();
    model.status.set("Saving " + target + " …");
    Background.run(
        "save",
        () -> {
          ProjectFile.write(target, doc, format, packName, packDir);
          return target;
        },
        saved -> {
          model.projectPath.set(saved);
          if (model.doc() == doc) {
            model.dirty.set(false);
          }
          addRecent(saved);
          model.status.set("Saved " + saved);
          if (after != null) {
            after.run();
          }
        },
        error ->
            failed(
                "Not saved",
                "Save failed: "
                    + Background.message(error)
                    + " Your work is still open; try another folder."));
  }

  /**
   * Writes the frame at the playhead to {@code target} as a PNG (".png" added when the name does
   * not end so), in the background; returns the task, or null when there is no frame.
   */
  public Task<Path> exportFrame(Path target) {
    List<Frame> frames = model.frames();
    if (frames.isEmpty()) {
      model.problem.set(Problem.of("Nothing to export yet: generate a clip first."));
      return null;
    }
    int index = Math.max(0, Math.min(model.playhead.get(), frames.size() - 1));
    Frame f = frames.get(index);
    Path out =
        target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")
            ? target
            : target.resolveSibling(target.getFileName() + ".png");
    return Background.run(
        "export-frame",
        () -> {
          StillImage.writePng(out, new RgbImage(f.width(), f.height(), f.argb()));
          return out;
        },
        written -> model.status.set("Exported frame " + index + " to " + written),
        error ->
            failed(
                "Not exported",
                "Cannot export the frame: "
                    + Background.message(error)
                    + " Choose another place or name."));
  }

  public void open(Path path) {
    if (model.generating.get()) {
      model.problem.set(Problem.of("Stop the generation before opening another project."));
      return;
    }
    if (!Files.exists(path)) {
      // A recent project moved or deleted since: say so, not that it "has no project.json".
      boolean listed = model.recentProjects.remove(path);
      if (listed) {
        saveRecent();
      }
      failed(
          "Not opened",
          path
              + " is not there any more (moved, renamed or deleted?)"
              + (listed ? "; it is taken off File → Open recent." : ".")
              + " The current project is unchanged.");
      return;
    }
    model.status.set("Opening " + path + " …");
    Background.run(
        "open",
        () -> ProjectFile.read(path),
        loaded -> {
          ClipFormat current = model.format.get();
          if (current != null
              && (current.width() != loaded.format().width()
                  || current.height() != loaded.format().height()
                  || current.framesPerBlock() != loaded.format().framesPerBlock())) {
            model.problem.set(
                Problem.of(
                    path
                        + " was made with model pack \""
                        + loaded.modelName()
                        + "\" ("
                        + loaded.format().width()
                        + "x"
                        + loaded.format().height()
                        + "); its frames are shown, but regenerating needs that pack: File > Open model pack…"));
          } else {
            model.problem.set(null);
          }
          model.reset(loaded.document(), ProjectFile.withExtension(path).toAbsolutePath());
          addRecent(model.projectPath.get());
          model.status.set(
              "Opened " + path + " (" + loaded.document().frames().size() + " frames)");
        },
        error ->
            failed(
                "Not opened",
                "Cannot open project: "
                    + Background.message(error)
                    + " The current project is unchanged."));
  }

  /**
   * A background task that failed: the message goes to the notification bar, and the status bar,
   * which said "Saving …" (or "Opening …", "Importing …") while it ran, stops saying so.
   */
  private void failed(String status, String message) {
    model.status.set(status + ": see the message above");
    model.problem.set(Problem.of(message));
  }

  private Path recentFile() {
    return home.resolve("recent.txt");
  }

  private void loadRecent() {
    try {
      if (Files.isRegularFile(recentFile())) {
        for (String line : Files.readAllLines(recentFile())) {
          if (!line.isBlank()) {
            model.recentProjects.add(Path.of(line));
          }
        }
      }
    } catch (IOException e) {
      // A lost recent list is not worth interrupting the user for.
    }
  }

  private void addRecent(Path p) {
    model.recentProjects.remove(p);
    model.recentProjects.add(0, p);
    while (model.recentProjects.size() > 8) {
      model.recentProjects.remove(model.recentProjects.size() - 1);
    }
    saveRecent();
  }

  /** File → Open recent → Clear this list: the projects stay where they are. */
  public void clearRecent() {
    model.recentProjects.clear();
    saveRecent();
  }

  private void saveRecent() {
    List<String> lines = model.recentProjects.stream().map(Path::toString).toList();
    try {
      Files.createDirectories(home);
      Files.write(recentFile(), lines);
    } catch (IOException e) {
      // As when loading: a lost recent list is not worth interrupting the user for.
    }
  }

  // ---- Autosave and recovery ----------------------------------------------------------------

  public Path recoveryPath() {
    return home.resolve("autosave").resolve("recovery" + ProjectFile.EXTENSION);
  }

  private void startAutosave() {
    autosave = new Timeline(new KeyFrame(Duration.seconds(30), e -> autosaveNow()));
    autosave.setCycleCount(Timeline.INDEFINITE);
    autosave.play();
  }

  /** Writes the open work to the recovery folder if it has unsaved changes. */
  public void autosaveNow() {
    ClipFormat format = model.format.get();
    if (!model.dirty.get() || model.generating.get() || format == null) {
      return;
    }
    // Everything the writer needs is read here, on the FX thread; the files are written off it.
    Document doc = model.doc();
    Path target = recoveryPath();
    Path packDir = model.packDir.get();
    Background.run(
        "autosave",
        () -> {
          Files.createDirectories(target.getParent());
          ProjectFile.write(target, doc, format, "", packDir);
          return target;
        },
        saved -> model.status.set("Autosaved"),
        error ->
            model.problem.set(
                Problem.of(
                    "Autosave failed: "
                        + Background.message(error)
                        + " Save your project (Ctrl+S).")));
  }

  /** After a crash the last autosave is still there: offer it. */
  public void offerRecovery() {
    Path r = recoveryPath();
    if (Files.isDirectory(r)) {
      model.problem.set(
          new Problem(
              "Unsaved work from a previous session was found (" + r + ").",
              "Recover",
              () -> recover(r)));
    }
  }

  private void recover(Path r) {
    Background.run(
        "recover",
        () -> ProjectFile.read(r),
        loaded -> {
          model.reset(loaded.document(), null);
          model.dirty.set(true);
          model.problem.set(null);
          model.status.set("Recovered unsaved work: save it with Ctrl+S");
        },
        error -> model.problem.set(Problem.of("Recovery failed: " + Background.message(error))));
  }

  /** A clean exit leaves nothing to recover. */
  public void shutdown() {
    autosave.stop();
    preferences.awaitSaves();
    stopGeneration();
    ProjectFileCleanup.delete(recoveryPath());
    StudioEngine e = model.engine.get();
    if (e != null) {
      Thread t = new Thread(e::close, "causvid-engine-close");
      t.setDaemon(true);
      t.start();
    }
  }
}
