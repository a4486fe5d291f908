package studio.causvid.engine.pack;

/** A model pack the engine cannot use; the message names the file, graph or tensor at fault. */
public final class PackException extends Exception {
  public PackException(String message) {
    super(message);
  }

  public PackException(String message, Throwable cause) {
    super(message, cause);
  }
}
