package studio.causvid.app.ui;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;
import java.util.function.DoublePredicate;
import studio.causvid.engine.runtime.Device;

/**
 * The studio's settings that outlive a run: how the window looks and plays, its size, the device,
 * and how much Extend adds. Project settings (seed, length, prompts) live in the project instead.
 *
 * <p>Kept as a properties file in the studio's home folder. A setting the file lacks, or holds in a
 * form this version cannot read, takes its default and leaves the others as saved: a file written
 * by an older or newer studio, or edited by hand, never costs the user every setting.
 */
public record StudioPreferences(
    boolean darkTheme,
    boolean realTime,
    boolean smoothScaling,
    boolean loop,
    double extendSeconds,
    Device device,
    Window window) {

  /**
   * Where the window's top left corner was on the desktop (NaN for none saved: the window is
   * centred), its size (its scene's, without the frame) when it was last closed unmaximized, and
   * whether it was maximized.
   */
  public record Window(double x, double y, double width, double height, boolean maximized) {
    public static final Window DEFAULT = new Window(Double.NaN, Double.NaN, 1180, 760, false);

    /** Farther out than this, a saved corner is a damaged one. */
    static final double MAX_OFFSET = 100_000;

    public boolean placed() {
      return !Double.isNaN(x) && !Double.isNaN(y);
    }

    /** Smaller or larger than this, a saved size is a damaged one. */
    static final double MIN_SIDE = 300;

    static final double MAX_SIDE = 20_000;

    static boolean plausible(double side) {
      return side >= MIN_SIDE && side <= MAX_SIDE;
    }
  }

  public static final String FILE_NAME = "preferences.properties";

  /** What a first run of the studio uses. */
  public static final StudioPreferences DEFAULTS =
      new StudioPreferences(true, true, false, true, 2, Device.AUTO, Window.DEFAULT);

  /** Longest Extend a saved file may ask for; the button's menu offers up to 8 s. */
  static final double MAX_EXTEND_SECONDS = 60;

  /**
   * The settings saved in {@code file}; {@link #DEFAULTS} where there is no file. Throws when the
   * file is there but cannot be read at all, so the caller can say so (and keep the defaults).
   */
  public static StudioPreferences read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return DEFAULTS;
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IllegalArgumentException malformed) {
      // Properties.load's word for a bad \\u escape: the file is damaged, not unreadable.
      throw new IOException("damaged (" + malformed.getMessage() + ")", malformed);
    }
    StudioPreferences d = DEFAULTS;
    return new StudioPreferences(
        flag(p, "darkTheme", d.darkTheme),
        flag(p, "realTime", d.realTime),
        flag(p, "smoothScaling", d.smoothScaling),
        flag(p, "loop", d.loop),
        extendSeconds(p.getProperty("extendSeconds"), d.extendSeconds),
        device(p.getProperty("device"), d.device),
        window(p, d.window));
  }

  /**
   * Saves these settings to {@code file}, whole or not at all: written beside it, then moved over
   * it, so a full disk or a crash mid-write leaves the last saved settings in place.
   */
  public void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("darkTheme", Boolean.toString(darkTheme));
    p.setProperty("realTime", Boolean.toString(realTime));
    p.setProperty("smoothScaling", Boolean.toString(smoothScaling));
    p.setProperty("loop", Boolean.toString(loop));
    p.setProperty("extendSeconds", Double.toString(extendSeconds));
    p.setProperty("device", device.name());
    if (window.placed()) {
      p.setProperty("windowX", Double.toString(window.x()));
      p.setProperty("windowY", Double.toString(window.y()));
    }
    p.setProperty("windowWidth", Double.toString(window.width()));
    p.setProperty("windowHeight", Double.toString(window.height()));
    p.setProperty("windowMaximized", Boolean.toString(window.maximized()));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, FILE_NAME, ".partial");
    try {
      try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        p.store(out, "CausVid Studio settings");
      }
      try {
        Files.move(
            partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static boolean flag(Properties p, String key, boolean fallback) {
    String v = p.getProperty(key);
    if (v == null) {
      return fallback;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> fallback;
    };
  }

  private static double extendSeconds(String v, double fallback) {
    double s = number(v, x -> x > 0 && x <= MAX_EXTEND_SECONDS);
    return Double.isNaN(s) ? fallback : s;
  }

  /**
   * The saved size and corner each only whole: one side without the other is no size the window
   * had, and one coordinate no place it stood.
   */
  private static Window window(Properties p, Window fallback) {
    double width = number(p.getProperty("windowWidth"), Window::plausible);
    double height = number(p.getProperty("windowHeight"), Window::plausible);
    double x = number(p.getProperty("windowX"), v -> Math.abs(v) <= Window.MAX_OFFSET);
    double y = number(p.getProperty("windowY"), v -> Math.abs(v) <= Window.MAX_OFFSET);
    boolean sized = !Double.isNaN(width) && !Double.isNaN(height);
    boolean placed = !Double.isNaN(x) && !Double.isNaN(y);
    return new Window(
        placed ? x : fallback.x(),
        placed ? y : fallback.y(),
        sized ? width : fallback.width(),
        sized ? height : fallback.height(),
        flag(p, "windowMaximized", fallback.maximized()));
  }

  /** The number {@code v} holds where {@code fits} takes it, else NaN. */
  private static double number(String v, DoublePredicate fits) {
    if (v == null) {
      return Double.NaN;
    }
    try {
      double x = Double.parseDouble(v.trim());
      return fits.test(x) ? x : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static Device device(String v, Device fallback) {
    if (v == null) {
      return fallback;
    }
    try {
      return Device.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }
}
