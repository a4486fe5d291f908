package studio.causvid.app.project;

/** A project that cannot be read or written; the message names the file and the problem. */
public final class ProjectException extends Exception {
  public ProjectException(String message) {
    super(message);
  }

  public ProjectException(String message, Throwable cause) {
    super(message, cause);
  }
}
