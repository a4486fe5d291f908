package studio.causvid.engine.media;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Temporary siblings of an output path and the moves that publish or discard them: exports and
 * project saves write beside their target and rename into place, so a failure leaves the old file
 * or folder as it was.
 */
public final class AtomicTarget {
  private AtomicTarget() {}

  /** A fresh hidden path beside {@code target}, in the same folder so the move stays atomic. */
  public static Path temporarySibling(Path target) {
    return temporarySibling(target, "part");
  }

  /** As {@link #temporarySibling(Path)}, named {@code .<name>.<tag>-XXXXXXXX}. */
  public static Path temporarySibling(Path target, String tag) {
    return target.resolveSibling(
        "."
            + target.getFileName()
            + "."
            + tag
            + "-"
            + UUID.randomUUID().toString().substring(0, 8));
  }

  /** Replaces {@code target} with the file {@code temp} in one atomic rename. */
  public static void publishFile(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Replaces the folder {@code target} with {@code temp}: the old folder is renamed aside, the new
   * one renamed in, then the old one deleted; if the second rename fails the old one is restored.
   */
  public static void publishFolder(Path temp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = temporarySibling(target, "old");
      rename(target, old);
    }
    try {
      rename(temp, target);
    } catch (IOException e) {
      if (old != null) {
        rename(old, target);
      }
      throw e;
    }
    deleteQuietly(old);
  }

  /** A rename, atomic where the file system can do it (a folder's rename is on every local one). */
  private static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a file or folder tree, ignoring what cannot be deleted (a leftover is harmless). */
  public static void deleteQuietly(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // Leftover temporary files are harmless; the next export uses a new name.
                }
              });
    } catch (IOException e) {
      // As above.
    }
  }
}
