package studio.causvid.engine.generate;

/** Conversions between the graphs' planar RGB in [0,1] (NCHW) and packed ARGB pixels. */
public final class FramePixels {
  private FramePixels() {}

  /** Frame {@code n} of a {@code (N,3,H,W)} array as ARGB. */
  public static int[] toArgb(float[] planar, int n, int width, int height) {
    int plane = width * height;
    int base = n * 3 * plane;
    int[] argb = new int[plane];
    for (int i = 0; i < plane; i++) {
      int r = channel(planar[base + i]);
      int g = channel(planar[base + plane + i]);
      int b = channel(planar[base + 2 * plane + i]);
      argb[i] = 0xFF000000 | (r << 16) | (g << 8) | b;
    }
    return argb;
  }

  /** ARGB pixels as one {@code (3,H,W)} planar frame in [0,1], written at frame {@code n}. */
  public static void toPlanar(int[] argb, float[] planar, int n) {
    int plane = argb.length;
    int base = n * 3 * plane;
    for (int i = 0; i < plane; i++) {
      int p = argb[i];
      planar[base + i] = ((p >> 16) & 0xFF) / 255f;
      planar[base + plane + i] = ((p >> 8) & 0xFF) / 255f;
      planar[base + 2 * plane + i] = (p & 0xFF) / 255f;
    }
  }

  private static int channel(float v) {
    float c = v < 0 ? 0 : (v > 1 ? 1 : v);
    return Math.round(c * 255f);
  }
}
