package studio.causvid.app.ui;

import java.util.Arrays;
import java.util.Locale;
import javafx.animation.AnimationTimer;

/** Records every gap between FX pulses while it runs (for the stall benchmark). */
final class PulseGaps {
  private long[] gaps = new long[4096];
  private int count;
  private long last;
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
              "%d pulse gaps: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d over 50 ms",
              g.length,
              g[g.length / 2] / 1e6,
              g[(int) (g.length * 0.99)] / 1e6,
              g[g.length - 1] / 1e6,
              over);
        });
  }
}
