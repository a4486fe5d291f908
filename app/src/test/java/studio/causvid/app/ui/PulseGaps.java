package studio.causvid.app.ui;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import javafx.animation.AnimationTimer;

/** Records every gap between FX pulses while it runs (for the stall benchmark). */
final class PulseGaps {
  private long[] gaps = new long[4096];
  private int count;
  private long last;
  // When each gap over 50 ms ended, in JVM uptime, to line up with -Xlog:gc*:...:uptime logs.
  private final StringBuilder longOnes = new StringBuilder();
  private final AnimationTimer timer =
      new AnimationTimer() {
        @Override
        public void handle(long now) {
          long t = System.nanoTime();
          if (last != 0) {
            if (count == gaps.length) {
              gaps = Arrays.copyOf(gaps, count * 2);
            }
            gaps[count++] = t - last;
            if (t - last > 50_000_000L && longOnes.length() < 400) {
              longOnes.append(
                  String.format(
                      Locale.ROOT,
                      " %.0f ms at %.2f s;",
                      (t - last) / 1e6,
                      ManagementFactory.getRuntimeMXBean().getUptime() / 1e3));
            }
          }
          last = t;
        }
      };

  static PulseGaps start() {
    PulseGaps p = new PulseGaps();
    StudioFx.fxRun(p.timer::start);
    return p;
  }

  /** Stops recording; returns "n pulses, p50/p99/max ms, gaps over 50 ms". */
  String stop() {
    return StudioFx.fx(
        () -> {
          timer.stop();
          long[] g = Arrays.copyOf(gaps, count);
          Arrays.sort(g);
          if (g.length == 0) {
            return "no pulses";
          }
          long over = Arrays.stream(g).filter(x -> x > 50_000_000L).count();
          return String.format(
              Locale.ROOT,
              "%d pulse gaps: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d over 50 ms%s",
              g.length,
              g[g.length / 2] / 1e6,
              g[(int) (g.length * 0.99)] / 1e6,
              g[g.length - 1] / 1e6,
              over,
              over > 0 ? " (JVM uptime:" + longOnes + ")" : "");
        });
  }
}
