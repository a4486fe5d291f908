package studio.causvid.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The toy pack under test resources (made by engine/src/test/tools/make_toy_pack.py): contract
 * shaped arithmetic graphs plus golden data from an independent NumPy implementation.
 */
public final class ToyPack {
  private ToyPack() {}

  public static Path dir() {
    try {
      return Path.of(ToyPack.class.getResource("/toy-pack/manifest.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode golden() {
    try {
      return new ObjectMapper().readTree(dir().resolve("golden.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rewrites a pack copy's manifest text; an edit that changes nothing fails, so a test never
   * passes on a manifest it meant to change.
   */
  public static void editManifest(Path dir, UnaryOperator<String> change) {
    Path manifest = dir.resolve("manifest.json");
    try {
      String before = Files.readString(manifest);
      String after = change.apply(before);
      if (before.equals(after)) {
        throw new AssertionError("test edit did not change the manifest");
      }
      Files.writeString(manifest, after);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A writable copy of the pack, for tests that break it. */
  /** Gives the pack in {@code dir} a {@code student.switch_guidance} entry (JSON object text). */
  public static void addSwitchGuidance(Path dir, String entry) {
    editManifest(
        dir,
        m ->
            m.replace(
                "\"sink_frames\": 2", "\"sink_frames\": 2,\n    \"switch_guidance\": " + entry));
  }

  public static Path copyTo(Path target) {
    try (Stream<Path> files = Files.list(dir())) {
      Files.createDirectories(target);
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
