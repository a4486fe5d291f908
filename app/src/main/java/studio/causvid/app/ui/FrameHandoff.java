package studio.causvid.app.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.application.Platform;
import studio.causvid.engine.generate.GenerationEvent;
import studio.causvid.engine.generate.GenerationListener;

/**
 * Carries a generation's events from the engine's listener thread to the FX thread. The queue is
 * bounded (a slow window slows the engine instead of filling memory), and at most one {@code
 * runLater} is pending at a time: the FX thread takes everything queued in one batch per pulse, so
 * a fast producer never floods the event queue and the preview redraws once per batch.
 */
final class FrameHandoff implements GenerationListener {
  static final int CAPACITY = 256;

  private final BlockingQueue<GenerationEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Consumer<List<GenerationEvent>> onFxThread;

  FrameHandoff(Consumer<List<GenerationEvent>> onFxThread) {
    this.onFxThread = onFxThread;
  }

  @Override
  public void onEvent(GenerationEvent event) {
    try {
      queue.put(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (scheduled.compareAndSet(false, true)) {
      Platform.runLater(this::drain);
    }
  }

  private void drain() {
    // Cleared before draining so an event queued meanwhile schedules the next batch.
    scheduled.set(false);
    List<GenerationEvent> batch = new ArrayList<>();
    queue.drainTo(batch);
    if (!batch.isEmpty()) {
      onFxThread.accept(batch);
    }
  }
}
