package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javax.imageio.ImageIO;
import org.testfx.util.WaitForAsyncUtils;

/** Helpers for the window tests: run on the FX thread, wait for a condition, make test files. */
final class StudioFx {
  private StudioFx() {}

  static Path toyPack() {
    String p = System.getProperty("causvid.toyPack");
    return p != null ? Path.of(p) : Path.of("../engine/src/test/resources/toy-pack");
  }

  static <T> T fx(Callable<T> work) {
    try {
      return WaitForAsyncUtils.asyncFx(work).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("FX call failed: " + e, e);
    }
  }

  static void fxRun(Runnable work) {
    fx(
        () -> {
          work.run();
          return null;
        });
  }

  /** Polls {@code condition} on the FX thread until it holds or {@code seconds} pass. */
  static void waitUntil(String what, double seconds, BooleanSupplier condition) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      if (fx(condition::getAsBoolean)) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    fail("Timed out after " + seconds + " s waiting for: " + what);
  }

  static void settle() {
    WaitForAsyncUtils.waitForFxEvents();
    if (!Platform.isFxApplicationThread()) {
      WaitForAsyncUtils.waitForFxEvents();
    }
  }

  /** A 40×30 colour gradient PNG (not square, so fitting crops it). */
  static Path photo(Path dir) throws IOException {
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 128);
      }
    }
    Path p = dir.resolve("photo.png");
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  static Path garbage(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    byte[] bytes = new byte[2048];
    new java.util.Random(7).nextBytes(bytes);
    Files.write(p, bytes);
    return p;
  }
}
