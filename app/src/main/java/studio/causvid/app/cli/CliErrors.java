package studio.causvid.app.cli;

import studio.causvid.engine.media.MediaException;
import studio.causvid.engine.pack.PackException;

/** Turns failures into the one line the user sees. */
final class CliErrors {
  static final int EXIT_FAILED = 1;
  static final int EXIT_CANCELLED = 130;

  private CliErrors() {}

  static String message(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof PackException || t instanceof MediaException || t instanceof UserError) {
      return t.getMessage();
    }
    String msg = t.getMessage();
    return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
  }

  /** A mistake in what the user asked for. */
  static final class UserError extends RuntimeException {
    UserError(String message) {
      super(message);
    }
  }
}
