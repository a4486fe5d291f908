package studio.causvid.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import studio.causvid.app.project.ClipFormat;
import studio.causvid.engine.StudioEngine;
import studio.causvid.engine.generate.Delivery;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationRequest;
import studio.causvid.engine.generate.GenerationSession;
import studio.causvid.engine.generate.PromptTimeline;
import studio.causvid.engine.pack.Manifest;

/**
 * {@code studio bench}: one JSON line of figures for the pack on this machine. It measures and
 * prints; it never fails on timing.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure generation speed and print one JSON line.")
public final class BenchCommand implements Callable<Integer> {
  static final String BENCH_PROMPT = "a red cat runs in the snow";
  static final String STEERED_PROMPT = "a blue cat runs in the snow";

  @Option(names = "--seconds", paramLabel = "N", description = "Clip length (default: 4).")
  double seconds = 4;

  @Option(
      names = "--long",
      description = "Also stream for 10 minutes and report resident memory at minutes 1 and 10.")
  boolean longRun;

  @Option(names = "--seed", paramLabel = "S", description = "Noise seed (default: 0).")
  long seed = 0;

  @Mixin EngineOptions engineOptions = new EngineOptions();

  @Override
  public Integer call() throws Exception {
    ObjectNode out = new ObjectMapper().createObjectNode();
    Path packDir = engineOptions.modelDir();
    try (StudioEngine engine = StudioEngine.open(packDir, engineOptions.runtime())) {
      Manifest m = engine.manifest();
      int fps = m.video().fps();
      int blocks = GenerationRequest.blocksFor(seconds, fps, m.framesPerBlock());
      GenerationRequest request =
          GenerationRequest.of(PromptTimeline.of(BENCH_PROMPT), seed, blocks);
      out.put("pack", m.name());
      out.put("device", engine.provider().provider());
      out.put("device_reason", engine.provider().reason());
      out.put("resolution", m.video().width() + "x" + m.video().height());
      out.put("fps_target", fps);
      out.put("frames", blocks * m.framesPerBlock());

      timed(engine, GenerationRequest.of(PromptTimeline.of(BENCH_PROMPT), seed + 1, 1)); // warm-up
      Run student = timed(engine, request);
      double studentSeconds = student.nanos / 1e9;
      double framesPerSecond = student.frames / studentSeconds;
      out.put("frames_per_second", round(framesPerSecond));
      out.put("time_to_first_frame_ms", round(student.firstFrameNanos / 1e6));
      out.put("realtime_factor", round(framesPerSecond / fps));
      out.put("student_seconds", round(studentSeconds));

      // Steering at every block, the most a user can: each switch re-caches the context and,
      // where the pack guides switches, runs the first steps of the next block twice.
      Run steered = timed(engine, GenerationRequest.of(steeredEveryBlock(m, blocks), seed, blocks));
      out.put(
          "steered_every_block_frames_per_second", round(steered.frames / (steered.nanos / 1e9)));
      out.put("steered_every_block_to_plain_ratio", round(steered.nanos / (double) student.nanos));

      // The frame decoder is shared by both samplers and, at this model size, is most of the
      // student's time: it bounds how far the teacher/student ratio can go.
      double decodeSecondsPerFrame = decodeSecondsPerFrame(engine, m);
      double studentDecodeShare = decodeSecondsPerFrame * student.frames / studentSeconds;
      out.put("decoder_ms_per_frame", round(decodeSecondsPerFrame * 1e3));
      out.put("student_decoder_share", round(studentDecodeShare));
      if (engine.pack().hasTeacher()) {
        Run teacher = timed(engine, request.withSampler(GenerationRequest.Sampler.TEACHER));
        out.put("teacher_seconds", round(teacher.nanos / 1e9));
        out.put("teacher_to_student_ratio", round(teacher.nanos / (double) student.nanos));
        out.put(
            "teacher_to_decoder_only_ratio",
            round(teacher.nanos / 1e9 / (decodeSecondsPerFrame * student.frames)));
      } else {
        out.putNull("teacher_seconds");
        out.putNull("teacher_to_student_ratio");
        out.putNull("teacher_to_decoder_only_ratio");
      }

      MatmulPeak.Result peak = MatmulPeak.measure(engineOptions.runtime().intraOpThreads());
      double flops = StepFlops.perBlock(m) * blocks;
      double achieved = flops / studentSeconds / 1e9;
      out.put("matmul_peak_gflops", round(peak.gflops()));
      out.put("matmul_peak_method", peak.method());
      out.put("student_gflops_estimated", round(achieved));
      out.put("share_of_matmul_peak", round(achieved / peak.gflops()));

      ReferenceSampler.compare(packDir, seconds, seed, framesPerSecond, out);

      if (longRun) {
        long[] rss = longRun(engine, m);
        out.put("rss_mb_minute_1", rss[0] / 1024 / 1024);
        out.put("rss_mb_minute_10", rss[1] / 1024 / 1024);
      } else {
        out.putNull("rss_mb_minute_1");
        out.putNull("rss_mb_minute_10");
      }
    }
    System.out.println(out);
    return 0;
  }

  /** The bench prompt and a one-word change of it, alternating from block to block. */
  static PromptTimeline steeredEveryBlock(Manifest m, int blocks) {
    PromptTimeline timeline = PromptTimeline.of(BENCH_PROMPT);
    for (int b = 1; b < blocks; b++) {
      double start = ClipFormat.blockStart(b, m.framesPerBlock(), m.video().fps());
      timeline = timeline.with(start, b % 2 == 1 ? STEERED_PROMPT : BENCH_PROMPT);
    }
    return timeline;
  }

  /** Timing of one generation. */
  record Run(long nanos, long firstFrameNanos, int frames) {}

  private static Run timed(StudioEngine engine, GenerationRequest request) throws Exception {
    long t0 = System.nanoTime();
    long[] first = {-1};
    int[] frames = {0};
    GenerationSession session =
        engine.start(
            request,
            Delivery.DROP_OLDEST_FRAMES,
            e -> {
              if (e instanceof GenerationEvent.FrameReady) {
                if (first[0] < 0) {
                  first[0] = System.nanoTime() - t0;
                }
                frames[0]++;
              }
            });
    GenerationEvent end = session.completion().get();
    if (end instanceof GenerationEvent.Failed f) {
      throw new CliErrors.UserError("benchmark generation failed: " + f.message());
    }
    int count = ((GenerationEvent.Finished) end).frames();
    return new Run(System.nanoTime() - t0, first[0], count);
  }

  /** Seconds the pack's frame decoder takes per frame, decoding one block at a time. */
  private static double decodeSecondsPerFrame(StudioEngine engine, Manifest m) {
    List<float[]> block = new ArrayList<>();
    Random random = new Random(7);
    for (int f = 0; f < m.framesPerBlock(); f++) {
      float[] latent = new float[m.latent().frameSize()];
      for (int i = 0; i < latent.length; i++) {
        latent[i] = (float) random.nextGaussian();
      }
      block.add(latent);
    }
    engine.decode(block); // warm-up
    int rounds = 8;
    long t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      engine.decode(block);
    }
    return (System.nanoTime() - t0) / 1e9 / (rounds * block.size());
  }

  /** Streams for 10 minutes, sampling resident memory at minutes 1 and 10. */
  private static long[] longRun(StudioEngine engine, Manifest m) throws Exception {
    GenerationSession session =
        engine.start(
            GenerationRequest.of(PromptTimeline.of(BENCH_PROMPT), 1, Integer.MAX_VALUE / 2),
            Delivery.DROP_OLDEST_FRAMES,
            e -> {});
    long[] rss = new long[2];
    Thread.sleep(TimeUnit.MINUTES.toMillis(1));
    rss[0] = residentBytes();
    Thread.sleep(TimeUnit.MINUTES.toMillis(9));
    rss[1] = residentBytes();
    session.cancel();
    session.completion().get();
    return rss;
  }

  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux: fall back to the JVM's own view.
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
