package studio.causvid.engine.media;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** H.264 MP4 (yuv420p, playable everywhere) or GIF through FFmpeg, via a temporary file. */
final class FfmpegWriter implements FrameWriter {
  enum Kind {
    MP4,
    GIF
  }

  static {
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
  }

  private final Path target;
  private final Path temp;
  private final int width;
  private final int height;
  private final FFmpegFrameRecorder recorder;
  private final ByteBuffer rgb;
  private boolean done;
  private int written;

  FfmpegWriter(Path target, int width, int height, double fps, Kind kind) throws MediaException {
    if (kind == Kind.MP4 && (width % 2 != 0 || height % 2 != 0)) {
      throw new MediaException(
          "Cannot write "
              + target
              + ": H.264 needs an even frame size, not "
              + width
              + "x"
              + height);
    }
    this.target = target;
    this.temp = AtomicTarget.temporarySibling(target);
    this.width = width;
    this.height = height;
    this.rgb = ByteBuffer.allocateDirect(width * height * 3);
    this.recorder = new FFmpegFrameRecorder(temp.toFile(), width, height, 0);
    recorder.setFrameRate(fps);
    if (kind == Kind.MP4) {
      recorder.setFormat("mp4");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setVideoQuality(18);
      recorder.setVideoBitrate(Math.max(400_000, (int) (width * height * fps * 0.2)));
    } else {
      recorder.setFormat("gif");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_GIF);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_RGB8);
    }
    try {
      recorder.start();
    } catch (Exception | UnsatisfiedLinkError e) {
      close();
      throw new MediaException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(RgbImage frame) throws MediaException {
    if (frame.width() != width || frame.height() != height) {
      throw new MediaException(
          "Cannot write a "
              + frame.width()
              + "x"
              + frame.height()
              + " frame to "
              + target
              + ", which is "
              + width
              + "x"
              + height
              + ".");
    }
    rgb.clear();
    for (int p : frame.argb()) {
      rgb.put((byte) (p >> 16)).put((byte) (p >> 8)).put((byte) p);
    }
    rgb.flip();
    try {
      recorder.recordImage(
          width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_RGB24, rgb);
      written++;
    } catch (Exception e) {
      throw new MediaException("Writing " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void commit() throws MediaException {
    try {
      recorder.stop();
      recorder.release();
      done = true;
      verify();
      AtomicTarget.publishFile(temp, target);
    } catch (MediaException e) {
      close();
      throw e;
    } catch (Exception e) {
      close();
      throw new MediaException("Writing " + target + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the finished temporary file back before it replaces anything. FFmpeg buffers its output
   * and does not report every failed write (a full disk leaves a short file and no error), so the
   * frame count is what tells a complete file from a truncated one.
   */
  private void verify() throws MediaException {
    int readable = readableFrames(temp);
    if (readable < written) {
      throw new MediaException(
          "Writing "
              + target
              + " failed: only "
              + readable
              + " of "
              + written
              + " frames could be read back"
              + DiskSpace.fullDiskHint(target.toAbsolutePath().getParent())
              + ". Any earlier file there is unchanged.");
    }
  }

  /** How many frames FFmpeg can decode from {@code file}, stopping at the first damage. */
  static int readableFrames(Path file) {
    int readable = 0;
    try (FFmpegFrameGrabber check = new FFmpegFrameGrabber(file.toFile())) {
      check.start();
      while (check.grabImage() != null) {
        readable++;
      }
      check.stop();
    } catch (Exception e) {
      // What was counted before the damage is what the file holds.
    }
    return readable;
  }

  @Override
  public void close() {
    if (!done) {
      done = true;
      try {
        recorder.stop();
        recorder.release();
      } catch (Exception e) {
        // Discarding anyway.
      }
    }
    AtomicTarget.deleteQuietly(temp);
  }
}
