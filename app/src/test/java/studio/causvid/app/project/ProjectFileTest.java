package studio.causvid.app.project;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.causvid.engine.generate.Frame;

/** The .causvid folder round trip, its atomic save, and the errors a damaged project gives. */
class ProjectFileTest {
  private static final ClipFormat FORMAT = new ClipFormat(4, 2, 8, 2, 3);
  @TempDir Path dir;

  private static Document doc(int frames) {
    List<Frame> list = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      int[] argb = new int[8];
      java.util.Arrays.fill(argb, 0xFF000000 | i * 0x010203);
      list.add(
          new Frame(
              i / 2, i, i / 8.0, i < 2 ? "a cat" : "a dog", argb, 4, 2, new float[] {i, -i, 0.5f}));
    }
    return new Document(
        List.of(new PromptCue(0, "a cat"), new PromptCue(1, "a dog")),
        42,
        2,
        null,
        Source.NONE,
        null,
        0,
        list);
  }

  @Test
  void roundTripKeepsFramesLatentsAndPrompts() throws Exception {
    Document d = doc(4);
    ProjectFile.write(dir.resolve("clip"), d, FORMAT, "toy", dir);
    ProjectFile.Loaded loaded = ProjectFile.read(dir.resolve("clip.causvid"));
    assertEquals(d.cues(), loaded.document().cues());
    assertEquals(42, loaded.document().seed());
    assertEquals(FORMAT, loaded.format());
    for (int i = 0; i < 4; i++) {
      Frame a = d.frames().get(i);
      Frame b = loaded.document().frames().get(i);
      assertArrayEquals(a.argb(), b.argb());
      assertArrayEquals(a.latent(), b.latent(), 0f);
      assertEquals(a.prompt(), b.prompt());
    }
  }

  @Test
  void savingOverAProjectReplacesItWhole() throws Exception {
    ProjectFile.write(dir.resolve("clip"), doc(4), FORMAT, "toy", dir);
    ProjectFile.write(dir.resolve("clip.causvid"), doc(2), FORMAT, "toy", dir);
    assertEquals(2, ProjectFile.read(dir.resolve("clip.causvid")).document().frames().size());
    assertTrue(Files.notExists(dir.resolve("clip.causvid/frames/frame_00003.png")));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary folders are left behind");
    }
  }

  @Test
  void savingNeverReplacesAFolderThatIsNotAProject() throws Exception {
    // "Save as" over a folder of the user's own files (named like a project by hand) must not
    // delete them: a save replaces its folder whole.
    Path other = dir.resolve("holiday.causvid");
    Files.createDirectories(other);
    Files.writeString(other.resolve("notes.txt"), "mine");
    ProjectException e =
        assertThrows(
            ProjectException.class, () -> ProjectFile.write(other, doc(2), FORMAT, "toy", dir));
    assertTrue(e.getMessage().contains("not a CausVid project"), e.getMessage());
    assertEquals("mine", Files.readString(other.resolve("notes.txt")));
    Path file = dir.resolve("plain.causvid");
    Files.writeString(file, "a file");
    assertThrows(ProjectException.class, () -> ProjectFile.write(file, doc(2), FORMAT, "toy", dir));
    assertEquals("a file", Files.readString(file));
    Path empty = Files.createDirectories(dir.resolve("empty.causvid"));
    ProjectFile.write(empty, doc(2), FORMAT, "toy", dir);
    assertEquals(2, ProjectFile.read(empty).document().frames().size());
    try (var s = Files.list(dir)) {
      assertEquals(3, s.count(), "no temporary folders are left behind");
    }
  }

  @Test
  void damagedProjectsNameTheFileAtFault() throws Exception {
    ProjectFile.write(dir.resolve("clip"), doc(4), FORMAT, "toy", dir);
    Path p = dir.resolve("clip.causvid");
    Files.write(p.resolve("latents.f32"), new byte[5]);
    ProjectException e = assertThrows(ProjectException.class, () -> ProjectFile.read(p));
    assertTrue(e.getMessage().contains("latents.f32"), e.getMessage());
    Files.writeString(
        p.resolve("project.json"), "{\"format\":\"causvid-project\",\"format_version\":9}");
    e = assertThrows(ProjectException.class, () -> ProjectFile.read(p));
    assertTrue(e.getMessage().contains("format_version 9"), e.getMessage());
    e =
        assertThrows(
            ProjectException.class, () -> ProjectFile.read(dir.resolve("nothing.causvid")));
    assertTrue(e.getMessage().contains("no project.json"), e.getMessage());
  }

  @Test
  void undoStackMovesBetweenDocuments() {
    UndoStack stack = new UndoStack();
    Document a = doc(0);
    Document b = a.withSeed(7);
    stack.push(new UndoStack.Edit("Set seed", a, b));
    assertEquals(a, stack.undo().before());
    assertEquals(b, stack.redo().after());
    assertEquals("Set seed", stack.undoName());
  }
}
