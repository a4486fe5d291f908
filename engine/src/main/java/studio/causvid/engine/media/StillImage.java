package studio.causvid.engine.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** One frame as a PNG file, written beside its target and renamed into place. */
public final class StillImage {
  private StillImage() {}

  public static void writePng(Path target, RgbImage image) throws MediaException {
    Path absolute = target.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new MediaException(
          "Cannot write " + target + ": folder " + parent + " does not exist.");
    }
    if (Files.isDirectory(absolute)) {
      throw new MediaException("Cannot write " + target + ": a folder of that name is there.");
    }
    Path temp = AtomicTarget.temporarySibling(absolute);
    try {
      encode(image, temp);
      AtomicTarget.publishFile(temp, absolute);
    } catch (IOException e) {
      AtomicTarget.deleteQuietly(temp);
      throw new MediaException(
          "Cannot write "
              + target
              + ": "
              + e.getMessage()
              + DiskSpace.fullDiskHint(parent)
              + ". Any earlier file there is unchanged.",
          e);
    }
  }

  /** {@code image} as a PNG at {@code file}, in place (callers publish it): a still, or a frame. */
  static void encode(RgbImage image, Path file) throws IOException {
    BufferedImage pixels =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    pixels.setRGB(0, 0, image.width(), image.height(), image.argb(), 0, image.width());
    if (!ImageIO.write(pixels, "png", file.toFile())) {
      throw new IOException("no PNG writer"); // not on a standard JDK
    }
  }
}
