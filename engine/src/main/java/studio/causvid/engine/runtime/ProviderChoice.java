package studio.causvid.engine.runtime;

/**
 * The execution provider the graphs run on and why it was chosen, e.g. {@code CPU} because "this
 * build of ONNX Runtime has no CUDA provider".
 */
public record ProviderChoice(String provider, String reason) {
  public boolean isCuda() {
    return "CUDA".equals(provider);
  }

  @Override
  public String toString() {
    return provider + " (" + reason + ")";
  }
}
