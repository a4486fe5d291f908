package studio.causvid.engine.generate;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import studio.causvid.engine.generate.PromptEncoder.EncodedPrompt;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.runtime.PackGraphs;

/**
 * The bidirectional teacher over windows of {@code clip_frames}: Euler over {@code teacher.steps}
 * uniform steps from 1 to 0 with classifier-free guidance (batch 2: conditional, then the empty
 * prompt). Each window after the first keeps the last half of the previous one as clean
 * conditioning frames. Slow; for comparison and "best quality".
 */
final class TeacherSampler {
  private final PackGraphs graphs;
  private final Manifest m;
  private final PromptEncoder prompts;
  private final int framesPerBlock;
  private final int frameSize;

  TeacherSampler(PackGraphs graphs, PromptEncoder prompts) {
    this.graphs = graphs;
    this.m = graphs.pack().manifest();
    this.prompts = prompts;
    this.framesPerBlock = m.framesPerBlock();
    this.frameSize = m.latent().frameSize();
  }

  int run(GenerationRequest request, RunControl control, Consumer<GenerationEvent> emit)
      throws RunControl.CancelledRun, InterruptedException {
    int clip = m.teacher().clipFrames();
    int half = clip / 2;
    int blocksPerClip = clip / framesPerBlock;
    Map<Long, float[]> known = new HashMap<>();
    int firstBlock = 0;
    if (request.start() instanceof StartFrom.Context context) {
      for (int i = 0; i < context.latents().size(); i++) {
        known.put((long) i, context.latents().get(i));
      }
      firstBlock = context.latents().size() / framesPerBlock;
    } else if (request.start() instanceof StartFrom.Photo photo) {
      known.put(0L, photo.latent());
    }
    long first = (long) firstBlock * framesPerBlock;
    long end = first + (long) request.blocks() * framesPerBlock;
    long windowStart = first - Math.min(half, first);
    EncodedPrompt empty = prompts.encode("");
    int textFloats = m.text().maxTokens() * m.model().textDim();
    int maskFloats = m.text().maxTokens();
    String steered = null;
    String announced = null;
    int emitted = 0;
    long done = first;
    while (done < end) {
      control.checkpoint();
      String submitted = control.takeSubmittedPrompt();
      steered = submitted != null ? submitted : steered;
      // Batch 2: row 0 conditional, row 1 unconditional.
      float[] text = new float[2 * blocksPerClip * textFloats];
      float[] mask = new float[2 * blocksPerClip * maskFloats];
      EncodedPrompt[] blockPrompts = new EncodedPrompt[blocksPerClip];
      for (int b = 0; b < blocksPerClip; b++) {
        int block = (int) (windowStart / framesPerBlock) + b;
        String wanted =
            steered != null
                ? steered
                : request.prompts().promptAtBlock(block, m.video().fps(), framesPerBlock);
        EncodedPrompt p = prompts.encode(wanted);
        blockPrompts[b] = p;
        System.arraycopy(p.embedding(), 0, text, b * textFloats, textFloats);
        System.arraycopy(p.mask(), 0, mask, b * maskFloats, maskFloats);
        int u = blocksPerClip + b;
        System.arraycopy(empty.embedding(), 0, text, u * textFloats, textFloats);
        System.arraycopy(empty.mask(), 0, mask, u * maskFloats, maskFloats);
      }
      float[] x = new float[clip * frameSize];
      boolean[] clean = new boolean[clip];
      for (int b = 0; b < blocksPerClip; b++) {
        long block = windowStart / framesPerBlock + b;
        float[] noise =
            NoiseSource.blockNoise(
                request.seed(), block, framesPerBlock, frameSize, m.teacher().frameCorrelation());
        System.arraycopy(noise, 0, x, b * framesPerBlock * frameSize, noise.length);
      }
      for (int f = 0; f < clip; f++) {
        float[] latent = known.get(windowStart + f);
        if (latent != null) {
          System.arraycopy(latent, 0, x, f * frameSize, frameSize);
          clean[f] = true;
        }
      }
      long windowEnd = Math.min(windowStart + clip, end);
      // This window finishes frames done…windowEnd of first…end, a share at each step.
      double before = (done - first) / (double) (end - first);
      double share = (windowEnd - done) / (double) (end - first);
      sample(
          x,
          clean,
          text,
          mask,
          control,
          stepsDone -> emit.accept(new GenerationEvent.Progress(before + share * stepsDone)));
      for (int f = 0; f < clip; f++) {
        float[] latent = new float[frameSize];
        System.arraycopy(x, f * frameSize, latent, 0, frameSize);
        known.putIfAbsent(windowStart + f, latent);
      }
      float[] rgb = graphs.decodeFrames(x, clip);
      for (long index = done; index < windowEnd; index++) {
        int f = (int) (index - windowStart);
        int block = (int) (index / framesPerBlock);
        EncodedPrompt p = blockPrompts[f / framesPerBlock];
        if (!p.text().equals(announced)) {
          emit.accept(
              new GenerationEvent.PromptApplied(block, p.text(), p.tokens().unknownWords()));
          announced = p.text();
        }
        emit.accept(
            new GenerationEvent.FrameReady(
                new Frame(
                    block,
                    index,
                    index / (double) m.video().fps(),
                    p.text(),
                    FramePixels.toArgb(rgb, f, m.video().width(), m.video().height()),
                    m.video().width(),
                    m.video().height(),
                    known.get(index))));
        emitted++;
      }
      done = windowEnd;
      windowStart += half;
    }
    return emitted;
  }

  /** Euler from noise to clean; {@code progress} hears the share of the steps taken, 0–1. */
  private void sample(
      float[] x,
      boolean[] clean,
      float[] text,
      float[] mask,
      RunControl control,
      DoubleConsumer progress)
      throws RunControl.CancelledRun, InterruptedException {
    int clip = clean.length;
    int steps = m.teacher().steps();
    float guidance = (float) m.teacher().guidance();
    for (int i = 0; i < steps; i++) {
      control.checkpoint();
      float t = 1f - i / (float) steps;
      float next = 1f - (i + 1) / (float) steps;
      float[] batchX = new float[2 * x.length];
      System.arraycopy(x, 0, batchX, 0, x.length);
      System.arraycopy(x, 0, batchX, x.length, x.length);
      float[] tv = new float[2 * clip];
      for (int f = 0; f < clip; f++) {
        tv[f] = clean[f] ? 0f : t;
        tv[clip + f] = tv[f];
      }
      float[] v = graphs.teacher(batchX, tv, text, mask, 2);
      int half = x.length;
      for (int f = 0; f < clip; f++) {
        if (clean[f]) {
          continue;
        }
        for (int j = f * frameSize, e = j + frameSize; j < e; j++) {
          float guided = v[half + j] + guidance * (v[j] - v[half + j]);
          x[j] += (next - t) * guided;
        }
      }
      progress.accept((i + 1) / (double) steps);
    }
  }
}
