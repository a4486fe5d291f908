package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportNameTest {
  @TempDir Path dir;

  @Test
  void theSuggestedNameSkipsEarlierExports() throws Exception {
    assertEquals(dir.resolve("clip.mp4"), ExportDialog.freeName(dir, "clip", ".mp4"));
    Files.writeString(dir.resolve("clip.mp4"), "earlier");
    Files.writeString(dir.resolve("clip-2.mp4"), "earlier");
    assertEquals(dir.resolve("clip-3.mp4"), ExportDialog.freeName(dir, "clip", ".mp4"));
    // Another format's file of the same base does not take the name.
    assertEquals(dir.resolve("clip.gif"), ExportDialog.freeName(dir, "clip", ".gif"));
    // A PNG export is a folder: an existing folder takes the name too.
    Files.createDirectories(dir.resolve("clip"));
    assertEquals(dir.resolve("clip-2"), ExportDialog.freeName(dir, "clip", ""));
  }
}
