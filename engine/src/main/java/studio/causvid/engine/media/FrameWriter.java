package studio.causvid.engine.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes frames to a video, GIF or PNG folder. Everything goes to a temporary file beside the
 * target and appears at the target only on {@link #commit()}, by an atomic move; closing without
 * committing (cancel, failure) deletes the temporary file and leaves any existing target as it was.
 */
public interface FrameWriter extends AutoCloseable {
  void write(RgbImage frame) throws MediaException;

  /** Finishes the file and moves it over the target. */
  void commit() throws MediaException;

  /** Discards the output unless committed. */
  @Override
  void close();

  /**
   * A writer chosen by the target's extension: {@code .mp4} (H.264, yuv420p), {@code .gif}, or a
   * folder of numbered PNGs for a path without extension (or an existing folder).
   */
  static FrameWriter open(Path target, int width, int height, double fps) throws MediaException {
    Path absolute = target.toAbsolutePath();
    String name = absolute.getFileName().toString().toLowerCase(Locale.ROOT);
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new MediaException(
          "Cannot write " + target + ": folder " + parent + " does not exist.");
    }
    if (name.endsWith(".mp4")) {
      return new FfmpegWriter(absolute, width, height, fps, FfmpegWriter.Kind.MP4);
    }
    if (name.endsWith(".gif")) {
      return new FfmpegWriter(absolute, width, height, fps, FfmpegWriter.Kind.GIF);
    }
    if (Files.isDirectory(absolute) || !name.contains(".")) {
      return new PngSequenceWriter(absolute, width, height);
    }
    throw new MediaException(
        "Cannot write " + target + ": use .mp4, .gif, or a folder name for PNG frames.");
  }
}
