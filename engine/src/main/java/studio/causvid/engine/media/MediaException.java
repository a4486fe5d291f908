package studio.causvid.engine.media;

/** A photo or video that cannot be read or written; the message names the file. */
public final class MediaException extends Exception {
  public MediaException(String message) {
    super(message);
  }

  public MediaException(String message, Throwable cause) {
    super(message, cause);
  }
}
