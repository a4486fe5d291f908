package studio.causvid.engine.media;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** Temporary siblings of an output path and the moves that publish or discard them. */
final class AtomicTarget {
  private AtomicTarget() {}

  /** A fresh hidden path beside {@code target}, in the same folder so the move stays atomic. */
  static Path temporarySibling(Path target) {
    return target.resolveSibling(
        "." + target.getFileName() + ".part-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** Replaces {@code target} with the file {@code temp} in one atomic rename. */
  static void publishFile(Path temp, Path target) throws IOException {
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
  static void publishFolder(Path temp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = temporarySibling(target);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (old != null) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e;
    }
    if (old != null) {
      deleteQuietly(old);
    }
  }

  static void deleteQuietly(Path path) {
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
