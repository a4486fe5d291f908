package studio.causvid.engine.runtime;

/**
 * How to run a pack's graphs.
 *
 * @param device requested device
 * @param intraOpThreads threads one graph run may use; 0 lets ONNX Runtime decide
 */
public record RuntimeOptions(Device device, int intraOpThreads) {
  public RuntimeOptions {
    if (device == null) {
      device = Device.AUTO;
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
    }
  }

  public static RuntimeOptions defaults() {
    return new RuntimeOptions(Device.AUTO, 0);
  }
}
