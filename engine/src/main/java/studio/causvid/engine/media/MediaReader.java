package studio.causvid.engine.media;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Reads photos (JPEG, PNG, WebP, BMP…) and videos (MP4, MOV, WebM, GIF…) through FFmpeg. */
public final class MediaReader {
  static {
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
  }

  /** The last frames of a video, fitted to the pack's size and resampled to its frame rate. */
  public record VideoTail(List<RgbImage> frames, double sourceFps, long sourceFrames) {}

  private MediaReader() {}

  /** The first picture of {@code file}. */
  public static RgbImage readPhoto(Path file) throws MediaException {
    checkReadable(file, "Photo");
    try (FFmpegFrameGrabber grabber = grabber(file)) {
      Frame frame = grabber.grabImage();
      if (frame == null || frame.image == null) {
        throw new MediaException(file + " holds no picture.");
      }
      return toImage(frame);
    } catch (MediaException e) {
      throw e;
    } catch (Exception | UnsatisfiedLinkError e) {
      throw unreadable(file, "photo", e);
    }
  }

  /**
   * The last {@code maxFrames} frames of {@code file} at {@code fps}, each center-cropped and
   * resized to {@code width×height}. Frames are picked by time (the latest source frame at or
   * before each target instant), so a 30 fps video yields 16 fps context for a 16 fps pack.
   */
  public static VideoTail readVideoTail(Path file, int width, int height, int maxFrames, double fps)
      throws MediaException {
    checkReadable(file, "Video");
    record Timed(double seconds, RgbImage image) {}
    try (FFmpegFrameGrabber grabber = grabber(file)) {
      double sourceFps = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : fps;
      // Enough source frames to cover maxFrames target frames, plus slack for rounding.
      int keep = (int) Math.ceil(maxFrames * Math.max(1, sourceFps / fps)) + 2;
      Deque<Timed> recent = new ArrayDeque<>();
      double firstTime = Double.NaN;
      long count = 0;
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        if (frame.image == null) {
          continue;
        }
        double seconds = grabber.getTimestamp() > 0 || count > 0 ? grabber.getTimestamp() / 1e6 : 0;
        if (count > 0 && !recent.isEmpty() && seconds <= recent.peekLast().seconds()) {
          seconds = recent.peekLast().seconds() + 1 / sourceFps;
        }
        if (count == 0) {
          firstTime = seconds;
        }
        recent.addLast(
            new Timed(seconds, ImageFit.centerCropResize(toImage(frame), width, height)));
        if (recent.size() > keep) {
          recent.removeFirst();
        }
        count++;
      }
      if (count == 0) {
        throw new MediaException(file + " holds no video frames.");
      }
      double lastTime = recent.peekLast().seconds();
      int available = (int) Math.floor((lastTime - firstTime) * fps + 1e-6) + 1;
      int n = Math.min(maxFrames, available);
      List<RgbImage> frames = new ArrayList<>(n);
      List<Timed> kept = new ArrayList<>(recent);
      for (int k = 0; k < n; k++) {
        double target = lastTime - (n - 1 - k) / fps;
        Timed pick = kept.get(0);
        for (Timed t : kept) {
          if (t.seconds() <= target + 1e-6) {
            pick = t;
          }
        }
        frames.add(pick.image());
      }
      return new VideoTail(frames, sourceFps, count);
    } catch (MediaException e) {
      throw e;
    } catch (Exception | UnsatisfiedLinkError e) {
      throw unreadable(file, "video", e);
    }
  }

  private static FFmpegFrameGrabber grabber(Path file) throws FFmpegFrameGrabber.Exception {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
    grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
    grabber.start();
    return grabber;
  }

  private static RgbImage toImage(Frame frame) {
    ByteBuffer buffer = (ByteBuffer) frame.image[0];
    int w = frame.imageWidth;
    int h = frame.imageHeight;
    int stride = frame.imageStride;
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      int row = y * stride;
      for (int x = 0; x < w; x++) {
        int i = row + 3 * x;
        argb[y * w + x] =
            0xFF000000
                | (buffer.get(i) & 0xFF) << 16
                | (buffer.get(i + 1) & 0xFF) << 8
                | (buffer.get(i + 2) & 0xFF);
      }
    }
    return new RgbImage(w, h, argb);
  }

  private static void checkReadable(Path file, String what) throws MediaException {
    if (!Files.isRegularFile(file)) {
      throw new MediaException(what + " " + file + " does not exist.");
    }
    if (!Files.isReadable(file)) {
      throw new MediaException(what + " " + file + " cannot be read (permission denied).");
    }
  }

  private static MediaException unreadable(Path file, String what, Throwable e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // JavaCV appends hints for developers ("Has setFormat() been called?"); the user needs none.
    int hint = detail.indexOf(" (Has setFormat");
    detail = hint > 0 ? detail.substring(0, hint) : detail;
    return new MediaException(
        file + " is not a readable " + what + " (corrupt or unsupported format: " + detail + ").",
        e);
  }
}
