package studio.causvid.app.ui;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.animation.AnimationTimer;

/**
 * Records every gap between FX pulses while it runs: what the stall benchmarks report. The timer
 * itself keeps pulses coming, so a gap longer than a frame is time the FX thread was busy. Start
 * and stop it on the FX thread.
 */
public final class PulseGaps {
  static final long LONG_GAP_NANOS = 50_000_000L;

  private long[] gaps = new long[4096];
  private int count;
  private long last;
  // When each long gap ended, in JVM uptime, to line up with -Xlog:gc*/class+load uptime logs.
  private final List<double[]> longOnes = new ArrayList<>();
  private AnimationTimer timer;

  /** The figures of one recording; times in ms, {@code longGaps} as (length, uptime s) pairs. */
  public record Summary(
      int pulses, double p50Ms, double p99Ms, double maxMs, List<double[]> longGaps) {
    public int overBudget() {
      return longGaps.size();
    }

    /** "n pulse gaps: p50 …, p99 …, max …, k over 50 ms (JVM uptime: …)". */
    public String describe() {
      if (pulses == 0) {
        return "no pulses";
      }
      StringBuilder when = new StringBuilder();
      for (double[] g : longGaps.subList(0, Math.min(longGaps.size(), 12))) {
        when.append(String.format(Locale.ROOT, " %.0f ms at %.2f s;", g[0], g[1]));
      }
      return String.format(
          Locale.ROOT,
          "%d pulse gaps: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d over 50 ms%s",
          pulses,
          p50Ms,
          p99Ms,
          maxMs,
          overBudget(),
          longGaps.isEmpty() ? "" : " (JVM uptime:" + when + ")");
    }
  }

  public void start() {
    timer =
        new AnimationTimer() {
          @Override
          public void handle(long now) {
            long t = System.nanoTime();
            if (last != 0) {
              record(t - last);
            }
            last = t;
          }
        };
    timer.start();
  }

  public Summary stop() {
    if (timer != null) {
      timer.stop();
    }
    return summary();
  }

  Summary summary() {
    long[] g = Arrays.copyOf(gaps, count);
    Arrays.sort(g);
    if (g.length == 0) {
      return new Summary(0, 0, 0, 0, List.of());
    }
    return new Summary(
        g.length,
        g[g.length / 2] / 1e6,
        g[(int) (g.length * 0.99)] / 1e6,
        g[g.length - 1] / 1e6,
        List.copyOf(longOnes));
  }

  void record(long gap) {
    if (count == gaps.length) {
      gaps = Arrays.copyOf(gaps, count * 2);
    }
    gaps[count++] = gap;
    if (gap > LONG_GAP_NANOS) {
      longOnes.add(
          new double[] {gap / 1e6, ManagementFactory.getRuntimeMXBean().getUptime() / 1e3});
    }
  }
}
