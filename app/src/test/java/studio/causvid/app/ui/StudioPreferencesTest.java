package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.causvid.app.ui.StudioPreferences.Window;
import studio.causvid.engine.runtime.Device;

class StudioPreferencesTest {
  @TempDir Path home;

  private Path file() {
    return home.resolve(StudioPreferences.FILE_NAME);
  }

  @Test
  void aFirstRunHasTheDefaults() throws IOException {
    assertEquals(StudioPreferences.DEFAULTS, StudioPreferences.read(file()));
    assertEquals(2.0, StudioPreferences.DEFAULTS.extendSeconds());
    assertTrue(StudioPreferences.DEFAULTS.darkTheme());
    assertTrue(StudioPreferences.DEFAULTS.realTime());
  }

  @Test
  void whatIsWrittenReadsBackTheSame() throws IOException {
    StudioPreferences chosen =
        new StudioPreferences(
            false, false, true, false, 8, Device.CPU, new Window(40, -1020, 1400, 900, true));
    chosen.write(file());
    assertEquals(chosen, StudioPreferences.read(file()));
    // Into a home folder that does not exist yet, too (a first save).
    Path fresh = home.resolve("new").resolve(StudioPreferences.FILE_NAME);
    chosen.write(fresh);
    assertEquals(chosen, StudioPreferences.read(fresh));
  }

  @Test
  void aSettingThatCannotBeReadTakesItsDefaultAndTheOthersStay() throws IOException {
    Files.write(
        file(),
        List.of(
            "darkTheme=maybe",
            "realTime=FALSE",
            "extendSeconds=-3",
            "device=TPU",
            "loop=false",
            "zoom=2"));
    StudioPreferences read = StudioPreferences.read(file());
    assertEquals(
        new StudioPreferences(true, false, false, false, 2, Device.AUTO, Window.DEFAULT),
        read,
        "unreadable values fall back one by one; unknown keys are ignored");
    for (String extend : List.of("NaN", "Infinity", "0", "61", "two")) {
      Files.writeString(file(), "extendSeconds=" + extend);
      assertEquals(2.0, StudioPreferences.read(file()).extendSeconds(), extend);
    }
    Files.writeString(file(), "extendSeconds= 4.0 \ndevice= cuda");
    assertEquals(4.0, StudioPreferences.read(file()).extendSeconds());
    assertEquals(Device.CUDA, StudioPreferences.read(file()).device());
  }

  @Test
  void theWindowSizeIsTakenOnlyWholeAndPlausible() throws IOException {
    Files.writeString(file(), "windowWidth=1500\nwindowHeight=950\nwindowMaximized=true");
    assertEquals(
        new Window(Double.NaN, Double.NaN, 1500, 950, true),
        StudioPreferences.read(file()).window(),
        "no corner saved: centred");
    for (String damaged :
        List.of(
            "windowWidth=1500",
            "windowWidth=1500\nwindowHeight=12",
            "windowWidth=1500\nwindowHeight=1e9",
            "windowWidth=wide\nwindowHeight=950")) {
      Files.writeString(file(), damaged + "\nwindowMaximized=true");
      assertEquals(
          new Window(Double.NaN, Double.NaN, Window.DEFAULT.width(), Window.DEFAULT.height(), true),
          StudioPreferences.read(file()).window(),
          damaged);
    }
  }

  @Test
  void theWindowCornerIsTakenOnlyWhole() throws IOException {
    Files.writeString(file(), "windowX=-1800\nwindowY=20");
    Window left = StudioPreferences.read(file()).window();
    assertEquals(-1800, left.x(), "a monitor left of the primary one has negative x");
    assertEquals(20, left.y());
    for (String damaged :
        List.of("windowX=10", "windowX=10\nwindowY=high", "windowX=1e7\nwindowY=0")) {
      Files.writeString(file(), damaged);
      assertFalse(StudioPreferences.read(file()).window().placed(), damaged);
    }
  }

  @Test
  void aDamagedFileIsAnErrorToReport() throws IOException {
    Files.writeString(file(), "darkTheme=\\u12");
    IOException e = assertThrows(IOException.class, () -> StudioPreferences.read(file()));
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());
  }

  @Test
  void aFailedSaveLeavesWhatWasThereAndNoPartialFile() throws IOException {
    // The settings' path is taken by a folder with a file in it: the move over it fails, as a
    // write to a full disk would, after the new contents were written beside it.
    Path taken = file();
    Files.createDirectories(taken);
    Files.writeString(taken.resolve("keep.txt"), "mine");
    assertThrows(IOException.class, () -> StudioPreferences.DEFAULTS.write(taken));
    assertEquals("mine", Files.readString(taken.resolve("keep.txt")));
    try (var left = Files.list(home)) {
      assertEquals(List.of(taken), left.toList(), "no half-written file is left behind");
    }
  }
}
