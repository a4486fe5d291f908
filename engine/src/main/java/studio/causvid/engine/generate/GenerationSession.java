package studio.causvid.engine.generate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Handle on one generation running on the engine thread: steer it with {@link #submitPrompt},
 * {@link #pause}/{@link #resume} or {@link #cancel} it, and wait for its end with {@link
 * #completion()}. Safe to call from any thread (the UI thread included); nothing here blocks.
 */
public final class GenerationSession {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final GenerationRequest request;
  private final int id = IDS.incrementAndGet();
  private final List<ListenerChannel> channels = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> submitted = new AtomicReference<>();
  private final CompletableFuture<GenerationEvent> completion = new CompletableFuture<>();
  private final Object pauseLock = new Object();
  private final PlaybackClock clock = new PlaybackClock();
  private volatile boolean cancelled;
  private boolean paused;

  GenerationSession(GenerationRequest request) {
    this.request = request;
  }

  public GenerationRequest request() {
    return request;
  }

  /**
   * Adds a listener with its own bounded queue and delivery thread. Listeners added after the start
   * miss the events already sent.
   *
   * @param capacity most events the listener's queue holds
   */
  public GenerationSession listen(GenerationListener listener, Delivery delivery, int capacity) {
    channels.add(
        new ListenerChannel(
            listener, delivery, capacity, clock, "causvid-listener-" + id + "-" + channels.size()));
    return this;
  }

  /**
   * Plays the stream in real time: each frame reaches the listeners when it is due at {@code fps}
   * (counted from the first frame made, paused time left out), and the engine starts a block only
   * once the block before it is due on screen, so it never runs more than a block ahead of what is
   * shown and a follow-up prompt lands at the block after the one being watched. Where making a
   * block takes longer than playing one, the frames are spaced by the making instead (slow motion,
   * {@link #playbackSpeed}). Without it frames go out as fast as they are made (exports,
   * benchmarks). May be called while it runs: {@code fps} 0 stops pacing, and pacing turned on
   * plays on from the next frame made.
   */
  public GenerationSession paceToPlayback(double fps) {
    clock.pace(fps);
    return this;
  }

  /**
   * How fast a paced stream plays against the clip's frame rate: 1 while the engine keeps up, less
   * where it makes frames more slowly than they play and spaces them by its own pace instead (see
   * {@link #paceToPlayback}).
   */
  public double playbackSpeed() {
    return clock.playbackSpeed();
  }

  /** A prompt that replaces the schedule from the next block on. */
  public void submitPrompt(String prompt) {
    submitted.set(prompt == null ? "" : prompt);
  }

  /** Stops before the next graph pass; frames already decoded are still delivered. */
  public void cancel() {
    cancelled = true;
    clock.release();
    resume();
  }

  /** Holds the engine between graph passes until {@link #resume}. */
  public void pause() {
    synchronized (pauseLock) {
      paused = true;
    }
    clock.pause();
  }

  public void resume() {
    synchronized (pauseLock) {
      paused = false;
      pauseLock.notifyAll();
    }
    clock.resume();
  }

  public boolean isPaused() {
    synchronized (pauseLock) {
      return paused;
    }
  }

  /**
   * Completes with the terminal event ({@code Finished}, {@code Cancelled} or {@code Failed}) once
   * every listener has received it.
   */
  public CompletableFuture<GenerationEvent> completion() {
    return completion;
  }

  RunControl control() {
    return new RunControl() {
      @Override
      public void checkpoint() throws CancelledRun, InterruptedException {
        if (cancelled) {
          throw new CancelledRun();
        }
        synchronized (pauseLock) {
          while (paused && !cancelled) {
            pauseLock.wait();
          }
        }
        if (cancelled) {
          throw new CancelledRun();
        }
      }

      @Override
      public void awaitPlayback(long frameIndex) throws CancelledRun, InterruptedException {
        clock.awaitDue(frameIndex);
        checkpoint();
      }

      @Override
      public String takeSubmittedPrompt() {
        return submitted.getAndSet(null);
      }
    };
  }

  /** Hands an event to every listener; called on the engine thread. */
  void emit(GenerationEvent event) {
    if (event instanceof GenerationEvent.FrameReady r) {
      clock.frameMade(r.frame().index());
    }
    for (ListenerChannel channel : channels) {
      try {
        channel.offer(event);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.abandon();
      }
    }
  }

  /** Sends the terminal event, waits for listeners to drain it, then completes. */
  void finish(GenerationEvent terminal) {
    emit(terminal);
    for (ListenerChannel channel : channels) {
      try {
        channel.awaitDrained(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    completion.complete(terminal);
  }
}
