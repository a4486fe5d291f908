package studio.causvid.engine.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaTest {
  @TempDir Path tmp;

  private static RgbImage solid(int w, int h, int rgb) {
    int[] px = new int[w * h];
    java.util.Arrays.fill(px, 0xFF000000 | rgb);
    return new RgbImage(w, h, px);
  }

  private static void writeVideo(Path file, int frames, int w, int h) throws MediaException {
    try (FrameWriter writer = FrameWriter.open(file, w, h, 16)) {
      for (int i = 0; i < frames; i++) {
        writer.write(solid(w, h, (i * 10) << 16 | 0x2060));
      }
      writer.commit();
    }
  }

  @Test
  void mp4IsWrittenAndReadBackWithFrameCountAndSize() throws Exception {
    Path mp4 = tmp.resolve("out.mp4");
    writeVideo(mp4, 20, 48, 32);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
      g.start();
      assertEquals(48, g.getImageWidth());
      assertEquals(32, g.getImageHeight());
      assertEquals("h264", g.getVideoCodecName());
      assertEquals(16, g.getFrameRate(), 0.01);
      int count = 0;
      while (g.grabImage() != null) {
        count++;
      }
      assertEquals(20, count);
    }
    MediaReader.VideoTail tail = MediaReader.readVideoTail(mp4, 16, 16, 100, 16);
    assertEquals(20, tail.frames().size());
    assertEquals(20, tail.sourceFrames());
    int red = (tail.frames().get(19).argb()[0] >> 16) & 0xFF;
    assertEquals(190, red, 8);
    assertNoTemporaryFiles();
  }

  @Test
  void videoTailIsResampledToThePackRate() throws Exception {
    Path mp4 = tmp.resolve("fast.mp4");
    writeVideo(mp4, 32, 16, 16); // 2 s at 16 fps
    MediaReader.VideoTail tail = MediaReader.readVideoTail(mp4, 16, 16, 100, 8);
    assertEquals(16, tail.frames().size()); // 2 s at 8 fps, counting both ends' instants
    // The last frame is the last source frame; the one before it is two source frames back.
    assertEquals(31 * 10 & 0xFF, (tail.frames().get(15).argb()[0] >> 16) & 0xFF, 8);
    assertEquals(29 * 10 & 0xFF, (tail.frames().get(14).argb()[0] >> 16) & 0xFF, 8);
  }

  @Test
  void gifAndPngSequence() throws Exception {
    Path gif = tmp.resolve("out.gif");
    writeVideo(gif, 5, 16, 16);
    assertTrue(Files.size(gif) > 0);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(gif.toFile())) {
      g.start();
      int count = 0;
      while (g.grabImage() != null) {
        count++;
      }
      assertEquals(5, count);
    }
    Path pngs = tmp.resolve("frames");
    writeVideo(pngs, 3, 16, 8);
    try (Stream<Path> files = Files.list(pngs)) {
      assertEquals(3, files.count());
    }
    RgbImage first = MediaReader.readPhoto(pngs.resolve("frame_00000.png"));
    assertEquals(16, first.width());
    assertEquals(8, first.height());
    assertEquals(0xFF002060, first.argb()[0]);
    // Exporting again over the folder replaces it whole.
    writeVideo(pngs, 2, 16, 8);
    try (Stream<Path> files = Files.list(pngs)) {
      assertEquals(2, files.count());
    }
    assertNoTemporaryFiles();
  }

  @Test
  void aFolderOfOtherFilesIsNeverReplacedByFrames() throws Exception {
    // A PNG export replaces its folder whole; pointed at a folder of the user's own files by
    // mistake, it must refuse before writing anything rather than delete them.
    Path photos = tmp.resolve("Pictures");
    Files.createDirectories(photos.resolve("holiday"));
    Files.writeString(photos.resolve("notes.txt"), "mine");
    MediaException folder = assertThrows(MediaException.class, () -> writeVideo(photos, 2, 16, 8));
    assertTrue(folder.getMessage().contains("holds other files"), folder.getMessage());
    assertEquals("mine", Files.readString(photos.resolve("notes.txt")));
    assertTrue(Files.isDirectory(photos.resolve("holiday")));

    Path file = tmp.resolve("clip");
    Files.writeString(file, "not a folder");
    MediaException plain = assertThrows(MediaException.class, () -> writeVideo(file, 2, 16, 8));
    assertTrue(plain.getMessage().contains("a file of that name"), plain.getMessage());
    assertEquals("not a folder", Files.readString(file));

    // A folder that holds frames and nothing else (a frame that is not a PNG is someone else's).
    Path frames = tmp.resolve("frames");
    Files.createDirectories(frames);
    Files.writeString(frames.resolve("frame_00000.jpg"), "mine");
    assertThrows(MediaException.class, () -> writeVideo(frames, 2, 16, 8));
    Files.delete(frames.resolve("frame_00000.jpg"));
    writeVideo(frames, 2, 16, 8); // an empty folder is fine
    try (Stream<Path> files = Files.list(frames)) {
      assertEquals(2, files.count());
    }
    assertNoTemporaryFiles();
  }

  @Test
  void aStillFrameIsWrittenAsAPngThatReadsBackExactly() throws Exception {
    int[] px = new int[6 * 4];
    for (int i = 0; i < px.length; i++) {
      px[i] = 0xFF000000 | (i * 40) << 16 | (255 - i * 9) << 8 | i;
    }
    Path png = tmp.resolve("still.png");
    StillImage.writePng(png, new RgbImage(6, 4, px));
    assertArrayEquals(px, MediaReader.readPhoto(png).argb());
    MediaException noFolder =
        assertThrows(
            MediaException.class,
            () -> StillImage.writePng(tmp.resolve("gone/still.png"), new RgbImage(6, 4, px)));
    assertTrue(noFolder.getMessage().contains("does not exist"), noFolder.getMessage());
    assertNoTemporaryFiles();
  }

  @Test
  void aTruncatedVideoIsToldApartFromAComplete() throws Exception {
    // A full disk leaves FFmpeg's output short without an error; the writer reads its file back
    // before publishing it, and this count is what it goes by.
    Path mp4 = tmp.resolve("whole.mp4");
    writeVideo(mp4, 24, 64, 64);
    assertEquals(24, FfmpegWriter.readableFrames(mp4));
    byte[] bytes = Files.readAllBytes(mp4);
    Path cut = tmp.resolve("cut.mp4");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 3));
    assertTrue(FfmpegWriter.readableFrames(cut) < 24);
    Path junk = tmp.resolve("junk.mp4");
    byte[] noise = new byte[4096];
    new Random(3).nextBytes(noise);
    Files.write(junk, noise);
    assertEquals(0, FfmpegWriter.readableFrames(junk));
  }

  @Test
  void interruptedExportLeavesTheOldFileIntact() throws Exception {
    Path mp4 = tmp.resolve("keep.mp4");
    writeVideo(mp4, 4, 16, 16);
    byte[] before = Files.readAllBytes(mp4);
    try (FrameWriter writer = FrameWriter.open(mp4, 16, 16, 16)) {
      writer.write(solid(16, 16, 0xFF0000));
      writer.write(solid(16, 16, 0x00FF00));
      // Cancelled here: closed without commit.
    }
    assertArrayEquals(before, Files.readAllBytes(mp4));
    Path pngs = tmp.resolve("seq");
    writeVideo(pngs, 2, 16, 16);
    try (FrameWriter writer = FrameWriter.open(pngs, 16, 16, 16)) {
      writer.write(solid(16, 16, 0xFF0000));
      writer.write(solid(16, 16, 0xFF0000));
      writer.write(solid(16, 16, 0xFF0000));
    }
    try (Stream<Path> files = Files.list(pngs)) {
      assertEquals(2, files.count());
    }
    assertNoTemporaryFiles();
  }

  @Test
  void wrongFrameSizeFailsWithoutHarm() throws Exception {
    Path mp4 = tmp.resolve("x.mp4");
    try (FrameWriter writer = FrameWriter.open(mp4, 16, 16, 16)) {
      var e = assertThrows(MediaException.class, () -> writer.write(solid(8, 8, 0)));
      assertTrue(e.getMessage().contains("x.mp4"), e.getMessage());
    }
    assertTrue(Files.notExists(mp4));
    assertNoTemporaryFiles();
  }

  @Test
  void unsupportedTargetAndMissingFolder() {
    var e =
        assertThrows(
            MediaException.class, () -> FrameWriter.open(tmp.resolve("a.avi2"), 16, 16, 8));
    assertTrue(e.getMessage().contains(".mp4, .gif"), e.getMessage());
    var e2 =
        assertThrows(
            MediaException.class, () -> FrameWriter.open(tmp.resolve("no/dir/a.mp4"), 16, 16, 8));
    assertTrue(e2.getMessage().contains("does not exist"), e2.getMessage());
  }

  @Test
  void corruptPhotoNamesTheFile() throws IOException {
    Path bad = tmp.resolve("broken.jpg");
    byte[] junk = new byte[2000];
    new java.util.Random(1).nextBytes(junk);
    junk[0] = (byte) 0xFF;
    junk[1] = (byte) 0xD8;
    Files.write(bad, junk);
    var e = assertThrows(MediaException.class, () -> MediaReader.readPhoto(bad));
    assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
    var missing =
        assertThrows(MediaException.class, () -> MediaReader.readPhoto(tmp.resolve("nope.png")));
    assertTrue(missing.getMessage().contains("nope.png does not exist"), missing.getMessage());
  }

  @Test
  void corruptVideoNamesTheFile() throws Exception {
    Path good = tmp.resolve("good.mp4");
    writeVideo(good, 8, 16, 16);
    byte[] bytes = Files.readAllBytes(good);
    Path bad = tmp.resolve("truncated.mp4");
    Files.write(bad, java.util.Arrays.copyOf(bytes, 40));
    var e = assertThrows(MediaException.class, () -> MediaReader.readVideoTail(bad, 16, 16, 8, 16));
    assertTrue(e.getMessage().contains("truncated.mp4"), e.getMessage());
    Path text = tmp.resolve("notes.mov");
    Files.writeString(text, "this is not a video at all");
    var e2 =
        assertThrows(MediaException.class, () -> MediaReader.readVideoTail(text, 16, 16, 8, 16));
    assertTrue(e2.getMessage().contains("notes.mov"), e2.getMessage());
  }

  @Test
  void readsWebpAndBmpPhotos() throws Exception {
    Path bmp = tmp.resolve("p.bmp");
    javax.imageio.ImageIO.write(
        new java.awt.image.BufferedImage(10, 6, java.awt.image.BufferedImage.TYPE_INT_RGB),
        "bmp",
        bmp.toFile());
    assertEquals(10, MediaReader.readPhoto(bmp).width());
    // WebP via FFmpeg's encoder when this build has one; the reader is what is under test.
    Path webp = tmp.resolve("p.webp");
    try (var rec = new org.bytedeco.javacv.FFmpegFrameRecorder(webp.toFile(), 12, 8, 0)) {
      rec.setFormat("webp");
      rec.setVideoCodecName("libwebp");
      rec.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
      rec.start();
      var buf = java.nio.ByteBuffer.allocateDirect(12 * 8 * 3);
      rec.recordImage(12, 8, 8, 3, 36, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24, buf);
      rec.stop();
    } catch (Exception e) {
      org.junit.jupiter.api.Assumptions.abort("no WebP encoder in this FFmpeg build: " + e);
    }
    RgbImage img = MediaReader.readPhoto(webp);
    assertEquals(12, img.width());
    assertEquals(8, img.height());
  }

  @Test
  void centerCropKeepsTheMiddle() {
    // 30x10 image: left third red, middle green, right blue -> square crop is all green.
    int[] px = new int[30 * 10];
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 30; x++) {
        px[y * 30 + x] = x < 10 ? 0xFFFF0000 : x < 20 ? 0xFF00FF00 : 0xFF0000FF;
      }
    }
    RgbImage fitted = ImageFit.centerCropResize(new RgbImage(30, 10, px), 4, 4);
    for (int p : fitted.argb()) {
      assertEquals(0xFF00FF00, p);
    }
    RgbImage up = ImageFit.centerCropResize(solid(2, 2, 0x123456), 8, 8);
    assertEquals(0xFF123456, up.argb()[27]);
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().contains(".part-")),
          "temporary export files left behind");
    }
  }
}
