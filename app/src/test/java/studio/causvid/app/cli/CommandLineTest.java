package studio.causvid.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headless command line against the engine's toy pack. */
class CommandLineTest {
  static final String PACK =
      Path.of("../engine/src/test/resources/toy-pack").toAbsolutePath().toString();

  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void generatesAnMp4WithTheRequestedLength() throws Exception {
    Path mp4 = tmp.resolve("clip.mp4");
    int code =
        StudioCommand.execute(
            "generate",
            "--prompt",
            "a red cat runs in the snow",
            "--at",
            "1",
            "a blue zebra",
            "--seconds",
            "1.5",
            "--seed",
            "4",
            "--out",
            mp4.toString(),
            "--model",
            PACK,
            "--device",
            "cpu");
    assertEquals(0, code, err.toString());
    assertTrue(err.toString().contains("unknown words in \"a blue zebra\": zebra"), err.toString());
    // The toy pack reads 6 tokens, BOS and five words.
    assertTrue(err.toString().contains("it ignores: the snow"), err.toString());
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
      g.start();
      int frames = 0;
      while (g.grabImage() != null) {
        frames++;
      }
      assertEquals(12, frames); // 1.5 s at 8 fps
      assertEquals(16, g.getImageWidth());
    }
  }

  @Test
  void photoToPngFolder() throws Exception {
    Path photo = tmp.resolve("p.png");
    javax.imageio.ImageIO.write(
        new java.awt.image.BufferedImage(30, 20, java.awt.image.BufferedImage.TYPE_INT_RGB),
        "png",
        photo.toFile());
    Path dir = tmp.resolve("frames");
    int code =
        StudioCommand.execute(
            "generate",
            "--prompt",
            "a cat",
            "--image",
            photo.toString(),
            "--seconds",
            "0.5",
            "--out",
            dir.toString(),
            "--model",
            PACK);
    assertEquals(0, code, err.toString());
    try (var files = Files.list(dir)) {
      assertEquals(4, files.count());
    }
  }

  @Test
  void errorsAreOneLineWithoutStackTrace() throws Exception {
    Path bad = tmp.resolve("broken.jpg");
    Files.writeString(bad, "not a photo");
    int code =
        StudioCommand.execute(
            "generate",
            "--prompt",
            "a cat",
            "--image",
            bad.toString(),
            "--out",
            tmp.resolve("x.mp4").toString(),
            "--model",
            PACK);
    assertEquals(1, code);
    String text = err.toString().trim();
    assertTrue(text.startsWith("error: ") && text.contains("broken.jpg"), text);
    assertFalse(text.contains("\tat "), text);
    assertEquals(1, text.lines().count(), text);

    err.reset();
    code =
        StudioCommand.execute(
            "generate", "--prompt", "x", "--out", "y.mp4", "--model", tmp.toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("has no manifest.json"), err.toString());

    err.reset();
    code =
        StudioCommand.execute(
            "generate",
            "--prompt",
            "x",
            "--out",
            tmp.resolve("y.mp4").toString(),
            "--model",
            PACK,
            "--device",
            "tpu");
    assertEquals(1, code);
    assertTrue(err.toString().contains("--device must be auto, cpu or cuda"), err.toString());
  }

  @Test
  void missingOptionIsAUsageError() {
    int code = StudioCommand.execute("generate", "--prompt", "x");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--out"), err.toString());
  }

  @Test
  void benchPrintsOneJsonLine() throws Exception {
    int code = StudioCommand.execute("bench", "--seconds", "1", "--model", PACK, "--threads", "1");
    assertEquals(0, code, err.toString());
    String[] lines = out.toString().trim().split("\n");
    assertEquals(1, lines.length);
    JsonNode json = new ObjectMapper().readTree(lines[0]);
    assertEquals("CPU", json.get("device").asText());
    assertEquals("16x16", json.get("resolution").asText());
    assertTrue(json.get("frames_per_second").asDouble() > 0);
    assertTrue(json.get("time_to_first_frame_ms").asDouble() > 0);
    assertTrue(json.get("steered_every_block_to_plain_ratio").asDouble() > 0);
    assertTrue(json.get("teacher_to_student_ratio").asDouble() > 0);
    assertTrue(json.get("matmul_peak_gflops").asDouble() > 0);
    assertTrue(json.has("share_of_matmul_peak"));
    assertTrue(json.get("rss_mb_minute_1").isNull());
    assertTrue(json.has("speed_vs_pytorch"));
  }

  @Test
  void theSteeredBenchSwitchesAtEveryBlock() throws Exception {
    var m = studio.causvid.engine.pack.ModelPack.open(Path.of(PACK)).manifest();
    var timeline = BenchCommand.steeredEveryBlock(m, 4);
    String[] expected = {
      BenchCommand.BENCH_PROMPT,
      BenchCommand.STEERED_PROMPT,
      BenchCommand.BENCH_PROMPT,
      BenchCommand.STEERED_PROMPT
    };
    for (int b = 0; b < expected.length; b++) {
      assertEquals(
          expected[b],
          timeline.promptAtBlock(b, m.video().fps(), m.framesPerBlock()),
          "block " + b);
    }
  }
}
