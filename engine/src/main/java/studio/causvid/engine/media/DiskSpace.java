package studio.causvid.engine.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Names a full disk in a failed write's message: the usual reason a write stops half-way. */
public final class DiskSpace {
  private static final long LOW = 64L * 1024 * 1024;

  private DiskSpace() {}

  /**
   * " (the disk is full: N MB free in FOLDER)" when the folder's disk has little room left, else ""
   * (also when the space cannot be read).
   */
  public static String fullDiskHint(Path folder) {
    try {
      Path absolute = folder.toAbsolutePath();
      long free = Files.getFileStore(absolute).getUsableSpace();
      if (free < LOW) {
        return String.format(
            Locale.ROOT, " (the disk is full: %.1f MB free in %s)", free / 1e6, absolute);
      }
    } catch (IOException | RuntimeException e) {
      // No hint, then.
    }
    return "";
  }
}
