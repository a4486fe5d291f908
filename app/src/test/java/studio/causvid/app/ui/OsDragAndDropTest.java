package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A photo dragged from another program onto the preview, through the X server's own drag-and-drop
 * protocol (XDND) rather than a call into the window: the studio and a stand-in file manager run as
 * separate programs on the GTK toolkit, and xdotool moves the real pointer.
 *
 * <p>It starts an X server of its own (Xvfb, which picks a free display number itself) rather than
 * using the one it runs under, so it never moves the pointer of a desktop it was started from.
 * {@code .ci/run} installs Xvfb and xdotool.
 */
class OsDragAndDropTest {
  @TempDir Path dir;

  @Test
  void aPhotoDraggedFromAFileManagerBecomesFrameZero() throws Exception {
    assumeTrue(onPath("Xvfb"), "needs Xvfb");
    assumeTrue(onPath("xdotool"), "needs xdotool");
    Path photo = StudioFx.photo(dir);
    Path home = Files.createDirectories(dir.resolve("home"));
    try (PrivateDisplay display = PrivateDisplay.start(dir);
        Child studio =
            Child.start(
                display,
                dir,
                DropTargetProbe.class,
                StudioFx.toyPack().toString(),
                home.toString());
        Child source =
            Child.start(display, dir, FileDragSource.class, photo.toString(), "1200", "760")) {
      int[] to = studio.point("target", 90);
      int[] from = source.point("source", 60);
      drag(display, from, to);
      assertEquals("imported photo.png true", studio.line("imported", 30), studio.diagnostics());
      assertEquals("done COPY", source.line("done", 10), source.diagnostics());
    }
  }

  /** Press on {@code from}, move there in small steps as a hand would, release on {@code to}. */
  private static void drag(PrivateDisplay display, int[] from, int[] to)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("xdotool", "mousemove", str(from[0]), str(from[1])));
    cmd.addAll(List.of("sleep", "0.3", "mousedown", "1", "sleep", "0.3"));
    int steps = 30;
    for (int i = 1; i <= steps; i++) {
      cmd.addAll(
          List.of(
              "mousemove",
              str(from[0] + (to[0] - from[0]) * i / steps),
              str(from[1] + (to[1] - from[1]) * i / steps)));
      cmd.addAll(List.of("sleep", "0.08"));
    }
    cmd.addAll(List.of("sleep", "0.5", "mouseup", "1"));
    Process p = display.use(new ProcessBuilder(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("xdotool failed: " + out);
    }
  }

  private static String str(int v) {
    return Integer.toString(v);
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** A log file's text, or why it could not be read: for a failure's message. */
  private static String contents(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(" + file.getFileName() + " unreadable: " + e + ")";
    }
  }

  /**
   * The program's stdout, line by line as it comes, read to its end by a daemon thread (a pipe
   * closed early would kill a program that writes again).
   */
  private static BlockingQueue<String> linesOf(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  lines.add(l);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /**
   * An Xvfb of the test's own. {@code -displayfd 1} makes the server choose a free display number
   * and print it once it accepts connections, so there is neither a race nor a guessed number. It
   * runs without an authority file: it listens on local sockets only, for the test's own programs.
   *
   * <p>{@code -noreset} matters: by default an X server resets when its last client leaves, and a
   * client connecting during the reset is refused. The two programs start at once on a display
   * nobody else uses, so one's brief first connection closing could reset the server under the
   * other: a CI run failed so ("cannot open display"), and two xdpyinfo started together on a fresh
   * Xvfb fail 47 times in 600 without the flag, never with it.
   */
  private static final class PrivateDisplay implements AutoCloseable {
    private final Process server;
    private final String name;
    private final Path log;

    private PrivateDisplay(Process server, String name, Path log) {
      this.server = server;
      this.name = name;
      this.log = log;
    }

    static PrivateDisplay start(Path dir) throws IOException, InterruptedException {
      Path log = dir.resolve("Xvfb.stderr.txt");
      Process server =
          new ProcessBuilder(
                  "Xvfb",
                  "-displayfd",
                  "1",
                  "-noreset",
                  "-nolisten",
                  "tcp",
                  "-screen",
                  "0",
                  "1400x900x24")
              .redirectError(log.toFile())
              .start();
      BlockingQueue<String> out = linesOf(server);
      String n = null;
      for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          n == null && server.isAlive() && System.nanoTime() < end; ) {
        n = out.poll(200, TimeUnit.MILLISECONDS);
      }
      if (n == null || !n.trim().matches("\\d+")) {
        server.destroyForcibly();
        fail("Xvfb did not start: " + Files.readString(log));
      }
      return new PrivateDisplay(server, ":" + n.trim(), log);
    }

    /** What the server said, and whether it still runs: for a failure's message. */
    String state() {
      return "Xvfb "
          + name
          + (server.isAlive() ? " running" : " exited")
          + ", said:\n"
          + contents(log);
    }

    /** Points a program at this display, and at no authority file of the outer session. */
    ProcessBuilder use(ProcessBuilder pb) {
      pb.environment().put("DISPLAY", name);
      pb.environment().remove("XAUTHORITY");
      return pb;
    }

    @Override
    public void close() throws InterruptedException {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /**
   * A JavaFX program in its own JVM on the GTK toolkit, whose stdout lines are read as they come.
   */
  private static final class Child implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final PrivateDisplay display;
    private final BlockingQueue<String> lines;
    private final List<String> seen = new ArrayList<>();

    private Child(Process process, Path stderr, PrivateDisplay display) {
      this.process = process;
      this.stderr = stderr;
      this.display = display;
      this.lines = linesOf(process);
    }

    static Child start(
        PrivateDisplay display, Path dir, Class<? extends Application> app, String... args)
        throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  "-Dglass.platform=gtk",
                  "-Dprism.order=sw",
                  "-Xmx512m",
                  FxChild.class.getName(),
                  app.getName()));
      cmd.addAll(List.of(args));
      Path err = dir.resolve(app.getSimpleName() + ".stderr.txt");
      Process p = display.use(new ProcessBuilder(cmd)).redirectError(err.toFile()).start();
      return new Child(p, err, display);
    }

    /** The next line starting with {@code tag}, waiting up to {@code seconds}. */
    String line(String tag, int seconds) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end && (process.isAlive() || !lines.isEmpty())) {
        String l = lines.poll(200, TimeUnit.MILLISECONDS);
        if (l != null) {
          seen.add(l);
          if (l.startsWith(tag)) {
            return l;
          }
        }
      }
      return "no '"
          + tag
          + "' line"
          + (process.isAlive()
              ? " after " + seconds + " s"
              : ": it exited with " + process.exitValue());
    }

    int[] point(String tag, int seconds) throws InterruptedException {
      String l = line(tag, seconds);
      String[] parts = l.split(" ");
      if (!l.startsWith(tag + " ") || parts.length != 3) {
        fail(l + "\n" + diagnostics());
      }
      return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }

    String diagnostics() {
      String err = contents(stderr);
      return "stdout so far: "
          + seen
          + "\nstderr:\n"
          + (err.length() > 4000 ? err.substring(err.length() - 4000) : err)
          + "\n"
          + display.state();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
