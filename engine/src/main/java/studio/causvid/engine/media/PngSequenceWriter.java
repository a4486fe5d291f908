package studio.causvid.engine.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of {@code frame_00000.png…}, built in a temporary folder and renamed into place. An
 * existing folder at the target is replaced whole, so it is replaced only when it is empty or holds
 * nothing but such frames (an earlier export): a folder of the user's own files, picked by mistake,
 * is refused before anything is written.
 */
final class PngSequenceWriter implements FrameWriter {
  private static final Pattern FRAME_FILE = Pattern.compile("frame_\\d{5,}\\.png");

  private final Path target;
  private final Path temp;
  private final int width;
  private final int height;
  private int count;
  private boolean committed;

  PngSequenceWriter(Path target, int width, int height) throws MediaException {
    refuseToReplaceOtherFiles(target);
    this.target = target;
    this.temp = AtomicTarget.temporarySibling(target);
    this.width = width;
    this.height = height;
    try {
      Files.createDirectory(temp);
    } catch (IOException e) {
      throw new MediaException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Throws unless {@code target} is absent, an empty folder, or a folder of exported frames. */
  static void refuseToReplaceOtherFiles(Path target) throws MediaException {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new MediaException(
          "Cannot write PNG frames to "
              + target
              + ": a file of that name is there. Choose a new folder name.");
    }
    try (Stream<Path> entries = Files.list(target)) {
      Path other =
          entries
              .filter(
                  e ->
                      Files.isDirectory(e)
                          || !FRAME_FILE.matcher(e.getFileName().toString()).matches())
              .findFirst()
              .orElse(null);
      if (other != null) {
        throw new MediaException(
            "Cannot write PNG frames to "
                + target
                + ": that folder holds other files ("
                + other.getFileName()
                + "), and an export replaces the whole folder. Choose a new or empty folder;"
                + " a folder of frames from an earlier export is replaced.");
      }
    } catch (IOException e) {
      throw new MediaException("Cannot write PNG frames to " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(RgbImage frame) throws MediaException {
    if (frame.width() != width || frame.height() != height) {
      throw new MediaException("Frame size differs from " + width + "x" + height + " in " + target);
    }
    Path file = temp.resolve(String.format("frame_%05d.png", count++));
    try {
      StillImage.encode(frame, file);
    } catch (IOException e) {
      throw new MediaException(
          "Writing frame "
              + (count - 1)
              + " of "
              + target
              + " failed: "
              + e.getMessage()
              + DiskSpace.fullDiskHint(target.toAbsolutePath().getParent())
              + ". Any earlier folder there is unchanged.",
          e);
    }
  }

  @Override
  public void commit() throws MediaException {
    try {
      AtomicTarget.publishFolder(temp, target);
      committed = true;
    } catch (IOException e) {
      throw new MediaException("Cannot replace " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      AtomicTarget.deleteQuietly(temp);
    }
  }
}
