package studio.causvid.engine.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the scheduling priority of the calling thread (the engine thread), so that a window
 * sharing the cores with a busy engine thread gets the CPU first when both want it.
 *
 * <p>Java thread priorities do nothing on Linux unless the JVM runs with special flags as root, so
 * this sets the thread's own nice value: the kernel names the calling thread at {@code
 * /proc/thread-self}, and {@code renice} (util-linux, on every Linux desktop) may raise the nice
 * value of one's own threads without privileges. Elsewhere it reports why it did nothing; the
 * engine works the same either way, only the window may stutter more under load.
 */
public final class ThreadPriority {
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  private ThreadPriority() {}

  /**
   * Sets the calling thread's nice value to {@code nice} (0 to 19; higher yields more readily).
   *
   * @return what was done, or why not, for the log
   */
  public static String lowerCurrentThread(int nice) {
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException("nice must be 0..19, was " + nice);
    }
    String tid;
    try {
      Path task = Files.readSymbolicLink(THREAD_SELF); // "<pid>/task/<tid>"
      tid = task.getFileName().toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "engine thread priority unchanged: no /proc/thread-self on this system";
    }
    try {
      Process p =
          new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return "engine thread priority unchanged: renice failed: " + out;
      }
      return "engine thread " + tid + " runs at nice " + nice;
    } catch (IOException e) {
      return "engine thread priority unchanged: cannot run renice: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "engine thread priority unchanged: interrupted";
    }
  }

  /** The calling thread's nice value as the kernel reports it, or empty where it cannot be read. */
  public static OptionalInt currentNice() {
    try {
      String stat = Files.readString(THREAD_SELF.resolve("stat"), StandardCharsets.US_ASCII);
      // Fields after the command name (which may hold spaces) start after the last ')'; nice is
      // field 19 of stat(5), the 17th after it.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return OptionalInt.of(Integer.parseInt(f[16]));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }
}
