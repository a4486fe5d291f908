package studio.causvid.app.ui;

import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javafx.concurrent.Task;

/**
 * Runs slow work (file I/O, pack loading, encoding) off the FX thread and hands the result back.
 */
final class Background {
  private Background() {}

  static <T> Task<T> run(
      String name, Callable<T> work, Consumer<T> onDone, Consumer<Throwable> onError) {
    Task<T> task =
        new Task<>() {
          @Override
          protected T call() throws Exception {
            return work.call();
          }
        };
    task.setOnSucceeded(e -> onDone.accept(task.getValue()));
    task.setOnFailed(e -> onError.accept(task.getException()));
    Thread t = new Thread(task, "causvid-" + name);
    t.setDaemon(true);
    t.start();
    return task;
  }

  /** The message a user can act on: the cause's message, never a stack trace. */
  static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && (t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.util.concurrent.CompletionException
            || t.getMessage() == null)) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
