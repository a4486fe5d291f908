package studio.causvid.engine.media;

/** A picture as packed {@code 0xAARRGGBB} pixels, row-major. */
public record RgbImage(int width, int height, int[] argb) {
  public RgbImage {
    if (width <= 0 || height <= 0 || argb.length != width * height) {
      throw new IllegalArgumentException(
          "Image of " + width + "x" + height + " with " + argb.length + " pixels");
    }
  }
}
