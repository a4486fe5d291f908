package studio.causvid.engine.runtime;

/** A graph failed to run; the message names the graph. */
public final class InferenceException extends RuntimeException {
  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
