package studio.causvid.engine.generate;

/**
 * What happens when a listener falls behind and its bounded queue is full. Either way a slow
 * listener cannot make memory grow without bound.
 */
public enum Delivery {
  /**
   * The engine waits for the listener (back-pressure): no frame is lost, generation slows to the
   * listener's pace. For exporters.
   */
  BLOCK,
  /**
   * The oldest queued frames are dropped to make room; control events (started, prompt, end) are
   * never dropped. For previews, which only need the latest picture.
   */
  DROP_OLDEST_FRAMES
}
