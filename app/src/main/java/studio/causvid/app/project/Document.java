package studio.causvid.app.project;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationRequest.Sampler;
import studio.causvid.engine.generate.PromptSegment;
import studio.causvid.engine.generate.PromptTimeline;

/**
 * Everything a project holds, as one immutable value: the undo stack keeps these, saving writes
 * one, and the window shows the current one.
 *
 * @param cues prompt cues sorted by block, the first at block 0 (empty before the first prompt)
 * @param seed noise seed of the last generation
 * @param blocks blocks to generate after the source
 * @param sampler student (live) or teacher (final render)
 * @param source what the clip starts from
 * @param sourceFile the imported photo or video, as chosen by the user (informational)
 * @param sourceFrames leading frames that come from the source (a photo is 1, a video whole blocks)
 * @param frames the clip, in order; frames are never mutated once made
 */
public record Document(
    List<PromptCue> cues,
    long seed,
    int blocks,
    Sampler sampler,
    Source source,
    Path sourceFile,
    int sourceFrames,
    List<Frame> frames) {

  public Document {
    List<PromptCue> sorted = new ArrayList<>(cues);
    sorted.sort(Comparator.comparingInt(PromptCue::block));
    cues = List.copyOf(sorted);
    frames = List.copyOf(frames);
    sampler = sampler == null ? Sampler.STUDENT : sampler;
    source = source == null ? Source.NONE : source;
    blocks = Math.max(1, blocks);
  }

  public static Document empty(long seed, int blocks) {
    return new Document(List.of(), seed, blocks, Sampler.STUDENT, Source.NONE, null, 0, List.of());
  }

  public Document withCues(List<PromptCue> newCues) {
    return new Document(newCues, seed, blocks, sampler, source, sourceFile, sourceFrames, frames);
  }

  public Document withSeed(long newSeed) {
    return new Document(cues, newSeed, blocks, sampler, source, sourceFile, sourceFrames, frames);
  }

  public Document withBlocks(int newBlocks) {
    return new Document(cues, seed, newBlocks, sampler, source, sourceFile, sourceFrames, frames);
  }

  public Document withSampler(Sampler s) {
    return new Document(cues, seed, blocks, s, source, sourceFile, sourceFrames, frames);
  }

  public Document withFrames(List<Frame> newFrames) {
    return new Document(cues, seed, blocks, sampler, source, sourceFile, sourceFrames, newFrames);
  }

  public Document withSource(Source s, Path file, int count, List<Frame> newFrames) {
    return new Document(cues, seed, blocks, sampler, s, file, count, newFrames);
  }

  /** The cue in effect at {@code block}, or null before the first prompt. */
  public PromptCue cueAt(int block) {
    PromptCue in = null;
    for (PromptCue c : cues) {
      if (c.block() <= block) {
        in = c;
      }
    }
    return in;
  }

  /** The cues as the engine's schedule (times are block starts). */
  public PromptTimeline timeline(int fps, int framesPerBlock) {
    List<PromptSegment> segments = new ArrayList<>();
    for (PromptCue c : cues) {
      segments.add(
          new PromptSegment(ClipFormat.blockStart(c.block(), framesPerBlock, fps), c.text()));
    }
    return new PromptTimeline(segments);
  }
}
