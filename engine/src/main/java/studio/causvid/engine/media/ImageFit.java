package studio.causvid.engine.media;

/**
 * Fits a picture of any size to the pack's frame: center-crop to the target aspect ratio (nothing
 * is stretched and no borders are added, so the subject stays in the middle), then resample with an
 * area average when shrinking and bilinear interpolation when enlarging.
 */
public final class ImageFit {
  private ImageFit() {}

  public static RgbImage centerCropResize(RgbImage src, int width, int height) {
    double targetAspect = width / (double) height;
    double srcAspect = src.width() / (double) src.height();
    double cropW = src.width();
    double cropH = src.height();
    if (srcAspect > targetAspect) {
      cropW = src.height() * targetAspect;
    } else {
      cropH = src.width() / targetAspect;
    }
    double x0 = (src.width() - cropW) / 2;
    double y0 = (src.height() - cropH) / 2;
    double sx = cropW / width;
    double sy = cropH / height;
    int[] out = new int[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double left = x0 + x * sx;
        double top = y0 + y * sy;
        out[y * width + x] =
            (sx > 1 || sy > 1)
                ? areaAverage(src, left, top, Math.max(sx, 1), Math.max(sy, 1))
                : bilinear(src, left + sx / 2 - 0.5, top + sy / 2 - 0.5);
      }
    }
    return new RgbImage(width, height, out);
  }

  private static int areaAverage(RgbImage src, double left, double top, double w, double h) {
    double r = 0;
    double g = 0;
    double b = 0;
    double total = 0;
    int xs = (int) Math.floor(left);
    int xe = (int) Math.ceil(left + w);
    int ys = (int) Math.floor(top);
    int ye = (int) Math.ceil(top + h);
    for (int y = ys; y < ye; y++) {
      double wy = Math.min(y + 1, top + h) - Math.max(y, top);
      if (wy <= 0) {
        continue;
      }
      int cy = clamp(y, src.height());
      for (int x = xs; x < xe; x++) {
        double wx = Math.min(x + 1, left + w) - Math.max(x, left);
        if (wx <= 0) {
          continue;
        }
        int p = src.argb()[cy * src.width() + clamp(x, src.width())];
        double weight = wx * wy;
        r += weight * ((p >> 16) & 0xFF);
        g += weight * ((p >> 8) & 0xFF);
        b += weight * (p & 0xFF);
        total += weight;
      }
    }
    return pack(r / total, g / total, b / total);
  }

  private static int bilinear(RgbImage src, double fx, double fy) {
    int x0 = (int) Math.floor(fx);
    int y0 = (int) Math.floor(fy);
    double ax = fx - x0;
    double ay = fy - y0;
    double[] acc = new double[3];
    for (int dy = 0; dy <= 1; dy++) {
      for (int dx = 0; dx <= 1; dx++) {
        double w = (dx == 0 ? 1 - ax : ax) * (dy == 0 ? 1 - ay : ay);
        int p =
            src.argb()[clamp(y0 + dy, src.height()) * src.width() + clamp(x0 + dx, src.width())];
        acc[0] += w * ((p >> 16) & 0xFF);
        acc[1] += w * ((p >> 8) & 0xFF);
        acc[2] += w * (p & 0xFF);
      }
    }
    return pack(acc[0], acc[1], acc[2]);
  }

  private static int clamp(int v, int size) {
    return v < 0 ? 0 : (v >= size ? size - 1 : v);
  }

  private static int pack(double r, double g, double b) {
    return 0xFF000000
        | ((int) Math.round(r) << 16)
        | ((int) Math.round(g) << 8)
        | (int) Math.round(b);
  }
}
