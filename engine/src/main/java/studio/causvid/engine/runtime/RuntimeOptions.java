package studio.causvid.engine.runtime;

/**
 * How to run a pack's graphs.
 *
 * @param device requested device
 * @param intraOpThreads threads one graph run may use; 0 lets ONNX Runtime decide
 * @param engineNice the engine thread's nice value (0 = unchanged, up to 19): an interactive window
 *     sets it so that its own threads win the cores they share with a generation
 */
public record RuntimeOptions(Device device, int intraOpThreads, int engineNice) {
  public RuntimeOptions {
    if (device == null) {
      device = Device.AUTO;
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
    }
    if (engineNice < 0 || engineNice > 19) {
      throw new IllegalArgumentException("engineNice must be 0..19, was " + engineNice);
    }
  }

  /** The engine thread at normal priority: for batch use, where nothing else needs the cores. */
  public RuntimeOptions(Device device, int intraOpThreads) {
    this(device, intraOpThreads, 0);
  }

  public static RuntimeOptions defaults() {
    return new RuntimeOptions(Device.AUTO, 0);
  }
}
