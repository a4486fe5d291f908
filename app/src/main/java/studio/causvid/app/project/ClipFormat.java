package studio.causvid.app.project;

/** The frame geometry and timing a project's frames were made with (from the model pack). */
public record ClipFormat(int width, int height, int fps, int framesPerBlock, int latentSize) {

  /** Seconds one block lasts. */
  public double blockSeconds() {
    return blockStart(1, framesPerBlock, fps);
  }

  /** When {@code block} starts, in seconds from the clip's first frame. */
  public double blockStart(int block) {
    return blockStart(block, framesPerBlock, fps);
  }

  /** The block whose start is nearest {@code seconds}. */
  public int nearestBlock(double seconds) {
    return nearestBlock(seconds, framesPerBlock, fps);
  }

  /**
   * When {@code block} starts, in seconds. Worked as frames over frames per second, not as block
   * times block length, so that every place that shows, saves or schedules a block's start gets the
   * same number (at 24 frames/s and 4 a block, 7 × (4 / 24) is 1.1666666666666665; 28 / 24 is
   * 1.1666666666666667).
   */
  public static double blockStart(int block, int framesPerBlock, int fps) {
    return (double) block * framesPerBlock / fps;
  }

  /** The block whose start is nearest {@code seconds}. */
  public static int nearestBlock(double seconds, int framesPerBlock, int fps) {
    return (int) Math.round(seconds * fps / framesPerBlock);
  }
}
