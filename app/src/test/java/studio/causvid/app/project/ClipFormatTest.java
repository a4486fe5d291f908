package studio.causvid.app.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import studio.causvid.engine.generate.PromptTimeline;

class ClipFormatTest {

  private final ClipFormat format = new ClipFormat(128, 128, 24, 4, 16);

  @Test
  void blockStartIsFramesOverFps() {
    assertEquals(28 / 24.0, format.blockStart(7));
    assertEquals(7, PromptTimeline.startBlock(format.blockStart(7), 24, 4));
  }

  @Test
  void blockSecondsAndStartsFollowTheFormat() {
    assertEquals(1 / 6.0, format.blockSeconds(), 1e-15);
    assertEquals(0.0, format.blockStart(0));
    assertEquals(2.5, new ClipFormat(128, 128, 16, 4, 16).blockStart(10));
  }

  @Test
  void nearestBlockRoundsToTheClosestStart() {
    assertEquals(3, format.nearestBlock(0.5));
    assertEquals(3, format.nearestBlock(0.58)); // under half a block (1/12 s) past block 3
    assertEquals(4, format.nearestBlock(0.59));
    assertEquals(0, format.nearestBlock(0.0));
  }
}
