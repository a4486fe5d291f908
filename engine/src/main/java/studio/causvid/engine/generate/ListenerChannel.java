package studio.causvid.engine.generate;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded queue and a delivery thread in front of one listener, so the engine thread never runs
 * listener code and a slow listener holds at most {@code capacity} frames.
 */
final class ListenerChannel {
  private final GenerationListener listener;
  private final Delivery delivery;
  private final int capacity;
  private final PlaybackClock clock;
  private final ArrayDeque<GenerationEvent> queue = new ArrayDeque<>();
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private boolean closed;
  private volatile boolean abandoned;

  ListenerChannel(
      GenerationListener listener,
      Delivery delivery,
      int capacity,
      PlaybackClock clock,
      String name) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.listener = listener;
    this.delivery = delivery;
    this.capacity = capacity;
    this.clock = clock;
    this.thread = new Thread(this::deliver, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues an event. With {@link Delivery#BLOCK} this waits while the queue is full; it gives up
   * (dropping the event) only once the channel is abandoned.
   */
  void offer(GenerationEvent event) throws InterruptedException {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (event instanceof GenerationEvent.FrameReady) {
        if (delivery == Delivery.BLOCK) {
          while (queue.size() >= capacity && !abandoned) {
            wait(100);
          }
        } else {
          dropOldestFrameIfFull();
        }
      }
      queue.addLast(event);
      if (event.isTerminal()) {
        closed = true;
      }
      notifyAll();
    }
  }

  private void dropOldestFrameIfFull() {
    if (queue.size() < capacity) {
      return;
    }
    for (Iterator<GenerationEvent> it = queue.iterator(); it.hasNext(); ) {
      if (it.next() instanceof GenerationEvent.FrameReady) {
        it.remove();
        dropped.incrementAndGet();
        return;
      }
    }
  }

  /** Frames dropped so far under {@link Delivery#DROP_OLDEST_FRAMES}. */
  long droppedFrames() {
    return dropped.get();
  }

  /** Stops waiting on this listener (e.g. it was removed): pending events are discarded. */
  void abandon() {
    abandoned = true;
    synchronized (this) {
      queue.clear();
      closed = true;
      notifyAll();
    }
  }

  /** Waits until every queued event has been delivered or the timeout passes. */
  boolean awaitDrained(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  private void deliver() {
    while (true) {
      GenerationEvent event;
      synchronized (this) {
        while (queue.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        event = queue.pollFirst();
        notifyAll();
      }
      try {
        if (event instanceof GenerationEvent.FrameReady r) {
          // Held here, not on the engine thread, so the next block is made while this one plays.
          clock.awaitShowing(r.frame().index());
        }
      } catch (InterruptedException e) {
        return;
      }
      if (abandoned) {
        return;
      }
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        // A failing listener must not stop the others or the engine; it just stops hearing.
        System.getLogger(ListenerChannel.class.getName())
            .log(System.Logger.Level.WARNING, "Listener failed; it gets no further events", e);
        abandon();
        return;
      }
      if (event.isTerminal()) {
        return;
      }
    }
  }
}
