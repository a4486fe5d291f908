package studio.causvid.engine.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import studio.causvid.engine.generate.PromptEncoder.EncodedPrompt;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.runtime.PackGraphs.CacheInput;

/**
 * The CausVid student's streaming loop, block by block:
 *
 * <ol>
 *   <li>draw ε for (seed, block);
 *   <li>few-step Euler over {@code student.timesteps} with {@code student_step};
 *   <li>decode the block and hand its frames out at once;
 *   <li>clean pass at {@code t = 0}, whose {@code block_kv} goes into the rolling {@link KvCache}.
 * </ol>
 *
 * A new prompt takes effect at the next block, after a re-cache: the clean pass is re-run over the
 * cached frames' latents under the new prompt. Where the pack asks for it ({@code
 * student.switch_guidance}), that block's first steps are guided away from the old prompt, so the
 * change lands where the old content stood, unless the two prompts differ only in the pack's
 * unguided phrases (its backgrounds, in the default pack). The last block of a run skips its clean
 * pass: no block follows that could attend to it (a continuation starts from the frames' latents
 * instead). Runs on the engine thread only.
 */
final class StudentBlockLoop {
  private final PackGraphs graphs;
  private final Manifest m;
  private final PromptEncoder prompts;
  private final int framesPerBlock;
  private final int frameSize;
  private final KvCache cache;

  StudentBlockLoop(PackGraphs graphs, PromptEncoder prompts) {
    this.graphs = graphs;
    this.m = graphs.pack().manifest();
    this.prompts = prompts;
    this.framesPerBlock = m.framesPerBlock();
    this.frameSize = m.latent().frameSize();
    this.cache = KvCache.forPack(m);
  }

  /** Generates the request's blocks, emitting events; returns the number of frames emitted. */
  int run(GenerationRequest request, RunControl control, Consumer<GenerationEvent> emit)
      throws RunControl.CancelledRun, InterruptedException {
    float[] photo = request.start() instanceof StartFrom.Photo p ? p.latent() : null;
    int firstBlock = 0;
    EncodedPrompt cachePrompt = null;
    if (request.start() instanceof StartFrom.Context context) {
      firstBlock = context.latents().size() / framesPerBlock;
      cachePrompt = prefill(context.latents(), request.prompts(), control);
    }
    String steered = null;
    EncodedPrompt announced = null;
    int emitted = 0;
    int lastBlock = firstBlock + request.blocks() - 1;
    for (int block = firstBlock; block <= lastBlock; block++) {
      // Paced, a block is made while the one before it plays: it starts once that one is due.
      control.awaitPlayback((long) (block - 1) * framesPerBlock);
      String submitted = control.takeSubmittedPrompt();
      steered = submitted != null ? submitted : steered;
      EncodedPrompt prompt = prompts.encode(steered != null ? steered : scheduled(request, block));
      EncodedPrompt switchedFrom = null;
      if (cachePrompt != null && !cachePrompt.text().equals(prompt.text())) {
        recache(prompt, control);
        switchedFrom = cachePrompt;
      }
      cachePrompt = prompt;
      if (announced == null || !announced.text().equals(prompt.text())) {
        emit.accept(
            new GenerationEvent.PromptApplied(
                block, prompt.text(), prompt.tokens().unknownWords()));
        announced = prompt;
      }

      float[] x = NoiseSource.blockNoise(request.seed(), block, framesPerBlock * frameSize);
      boolean[] clean = new boolean[framesPerBlock];
      if (block == 0 && photo != null) {
        System.arraycopy(photo, 0, x, 0, frameSize);
        clean[0] = true;
      }
      float[] framePos = cache.nextBlockPositions(framesPerBlock);
      try (CacheInput context =
          graphs.cacheInput(cache.kvTensor(), cache.positions(), cache.mask())) {
        denoise(x, clean, framePos, prompt, switchedFrom, context, control);
        emitted += emitFrames(x, block, prompt.text(), emit);
        if (block < lastBlock) {
          control.checkpoint();
          float[] blockKv = cleanPass(x, framePos, prompt, context);
          cache.append(blockKv, (long) block * framesPerBlock, split(x));
        }
      }
    }
    return emitted;
  }

  /**
   * Few-step Euler from pure noise to a clean block; {@code clean} frames stay as they are. With
   * {@code switchedFrom} (the previous block's prompt, at a switch) and the pack's switch guidance,
   * the first steps run a second pass under the old prompt and step along {@code v_new +
   * scale·(v_new − v_old)}.
   */
  private void denoise(
      float[] x,
      boolean[] clean,
      float[] framePos,
      EncodedPrompt prompt,
      EncodedPrompt switchedFrom,
      CacheInput context,
      RunControl control)
      throws RunControl.CancelledRun, InterruptedException {
    List<Double> steps = m.student().timesteps();
    boolean guided =
        switchedFrom != null && m.student().guidesSwitch(switchedFrom.text(), prompt.text());
    int guidedSteps = guided ? m.student().switchGuidance().steps() : 0;
    float scale = guided ? (float) m.student().switchGuidance().scale() : 0f;
    for (int i = 0; i < steps.size(); i++) {
      control.checkpoint();
      float t = steps.get(i).floatValue();
      float next = i + 1 < steps.size() ? steps.get(i + 1).floatValue() : 0f;
      float[] tv = new float[framesPerBlock];
      for (int f = 0; f < framesPerBlock; f++) {
        tv[f] = clean[f] ? 0f : t;
      }
      float[] v =
          graphs.studentStep(x, tv, framePos, prompt.embedding(), prompt.mask(), context).v();
      if (i < guidedSteps) {
        float[] vOld =
            graphs
                .studentStep(
                    x, tv, framePos, switchedFrom.embedding(), switchedFrom.mask(), context)
                .v();
        for (int j = 0; j < v.length; j++) {
          v[j] += scale * (v[j] - vOld[j]);
        }
      }
      for (int f = 0; f < framesPerBlock; f++) {
        if (clean[f]) {
          continue;
        }
        for (int j = f * frameSize, end = j + frameSize; j < end; j++) {
          x[j] += (next - t) * v[j];
        }
      }
    }
  }

  /** The pass at {@code t = 0} whose keys and values the next blocks attend to. */
  private float[] cleanPass(float[] x, float[] framePos, EncodedPrompt prompt, CacheInput context) {
    float[] zeros = new float[framesPerBlock];
    return graphs
        .studentStep(x, zeros, framePos, prompt.embedding(), prompt.mask(), context)
        .blockKv();
  }

  /** Clean-passes context latents block by block, replaying the schedule's prompt switches. */
  private EncodedPrompt prefill(List<float[]> latents, PromptTimeline timeline, RunControl control)
      throws RunControl.CancelledRun, InterruptedException {
    if (latents.isEmpty() || latents.size() % framesPerBlock != 0) {
      throw new IllegalArgumentException(
          "Context must be whole blocks of " + framesPerBlock + " frames, got " + latents.size());
    }
    EncodedPrompt current = null;
    for (int block = 0; block < latents.size() / framesPerBlock; block++) {
      control.checkpoint();
      EncodedPrompt prompt =
          prompts.encode(timeline.promptAtBlock(block, m.video().fps(), framesPerBlock));
      if (current != null && !current.text().equals(prompt.text())) {
        recache(prompt, control);
      }
      current = prompt;
      List<float[]> blockLatents =
          latents.subList(block * framesPerBlock, (block + 1) * framesPerBlock);
      appendClean(blockLatents, (long) block * framesPerBlock, prompt);
    }
    return current;
  }

  /** Rebuilds the cache from its own latents under {@code prompt}, keeping slots and order. */
  private void recache(EncodedPrompt prompt, RunControl control)
      throws RunControl.CancelledRun, InterruptedException {
    List<KvCache.CachedFrame> cached = cache.frames();
    if (cached.size() % framesPerBlock != 0) {
      throw new IllegalStateException("Cache holds a partial block: " + cached.size() + " frames");
    }
    cache.clear();
    for (int start = 0; start < cached.size(); start += framesPerBlock) {
      control.checkpoint();
      List<float[]> latents = new ArrayList<>();
      for (int f = start; f < start + framesPerBlock; f++) {
        latents.add(cached.get(f).latent());
      }
      appendClean(latents, cached.get(start).frameIndex(), prompt);
    }
  }

  private void appendClean(List<float[]> latents, long firstFrameIndex, EncodedPrompt prompt) {
    float[] x = new float[framesPerBlock * frameSize];
    for (int f = 0; f < framesPerBlock; f++) {
      System.arraycopy(latents.get(f), 0, x, f * frameSize, frameSize);
    }
    float[] framePos = cache.nextBlockPositions(framesPerBlock);
    try (CacheInput context =
        graphs.cacheInput(cache.kvTensor(), cache.positions(), cache.mask())) {
      cache.append(cleanPass(x, framePos, prompt, context), firstFrameIndex, latents);
    }
  }

  private int emitFrames(float[] x, int block, String prompt, Consumer<GenerationEvent> emit) {
    float[] rgb = graphs.decodeFrames(x, framesPerBlock);
    int width = m.video().width();
    int height = m.video().height();
    List<float[]> latents = split(x);
    for (int f = 0; f < framesPerBlock; f++) {
      long index = (long) block * framesPerBlock + f;
      emit.accept(
          new GenerationEvent.FrameReady(
              new Frame(
                  block,
                  index,
                  index / (double) m.video().fps(),
                  prompt,
                  FramePixels.toArgb(rgb, f, width, height),
                  width,
                  height,
                  latents.get(f))));
    }
    return framesPerBlock;
  }

  private String scheduled(GenerationRequest request, int block) {
    return request.prompts().promptAtBlock(block, m.video().fps(), framesPerBlock);
  }

  private List<float[]> split(float[] x) {
    List<float[]> frames = new ArrayList<>(framesPerBlock);
    for (int f = 0; f < framesPerBlock; f++) {
      float[] latent = new float[frameSize];
      System.arraycopy(x, f * frameSize, latent, 0, frameSize);
      frames.add(latent);
    }
    return frames;
  }

  /** The cache after the run, for tests. */
  KvCache cache() {
    return cache;
  }
}
