package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PulseGapsTest {
  @Test
  void percentilesAndLongGapsOfAKnownSeries() {
    PulseGaps gaps = new PulseGaps();
    // 200 gaps: 1..200 ms, recorded out of order.
    for (int i = 200; i >= 1; i--) {
      gaps.record(i * 1_000_000L);
    }
    PulseGaps.Summary s = gaps.summary();
    assertEquals(200, s.pulses());
    assertEquals(101.0, s.p50Ms(), 1e-9); // the 100th of 0-based sorted = 101 ms
    assertEquals(199.0, s.p99Ms(), 1e-9); // index 198
    assertEquals(200.0, s.maxMs(), 1e-9);
    assertEquals(150, s.overBudget(), "51..200 ms are over 50 ms; 50 ms itself is not");
    assertTrue(s.describe().startsWith("200 pulse gaps: p50 101.0 ms, p99 199.0 ms, max 200.0 ms"));
  }

  @Test
  void anEmptyRecordingSaysSo() {
    assertEquals("no pulses", new PulseGaps().summary().describe());
  }
}
