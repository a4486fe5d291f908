package studio.causvid.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a model pack folder: the one named by {@code --model}, else {@code $CAUSVID_MODEL}, else
 * the pack installed beside the program, else {@code models/default} under the working directory (a
 * source checkout), else the user's own pack folder.
 *
 * <p>{@code --model NAME} that is not a folder is looked up by name among the user's packs ({@link
 * #userModels()}) and the installed ones. The installer's launcher sets {@value #INSTALLED_MODELS}
 * to its {@code $APPDIR/models}.
 */
public final class ModelLocator {
  /** System property naming the folder of packs installed with the program. */
  public static final String INSTALLED_MODELS = "causvid.models";

  static final String DEFAULT_PACK = "default";

  private final Map<String, String> env;
  private final Optional<Path> installed;
  private final Path workingDir;
  private final Path userModels;

  ModelLocator(
      Map<String, String> env, Optional<Path> installed, Path workingDir, Path userModels) {
    this.env = env;
    this.installed = installed;
    this.workingDir = workingDir;
    this.userModels = userModels;
  }

  /** The locator for this process: its environment, launcher property and user folder. */
  public static ModelLocator forThisProcess() {
    String prop = System.getProperty(INSTALLED_MODELS);
    return new ModelLocator(
        System.getenv(),
        prop == null || prop.isBlank() ? Optional.empty() : Optional.of(Path.of(prop)),
        Path.of("").toAbsolutePath(),
        userModels(
            System.getProperty("os.name"), System.getenv(), System.getProperty("user.home")));
  }

  /**
   * The per-user folder for extra packs: {@code ~/.local/share/causvid-studio/models} (or under
   * {@code $XDG_DATA_HOME}) on Linux, {@code %APPDATA%\CausVid Studio\models} on Windows, {@code
   * ~/Library/Application Support/CausVid Studio/models} on macOS.
   */
  public static Path userModels() {
    return userModels(
        System.getProperty("os.name"), System.getenv(), System.getProperty("user.home"));
  }

  static Path userModels(String osName, Map<String, String> env, String home) {
    String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      String appData = env.get("APPDATA");
      Path base =
          appData != null && !appData.isBlank()
              ? Path.of(appData)
              : Path.of(home, "AppData", "Roaming");
      return base.resolve("CausVid Studio").resolve("models");
    }
    // $HOME, as a shell sees it, over the password database's user.home.
    String envHome = env.get("HOME");
    if (envHome != null && !envHome.isBlank()) {
      home = envHome;
    }
    if (os.startsWith("mac")) {
      return Path.of(home, "Library", "Application Support", "CausVid Studio", "models");
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share");
    return base.resolve("causvid-studio").resolve("models");
  }

  /**
   * The pack folder for {@code requested} (a folder, a pack name, or null for the default).
   *
   * @throws IllegalArgumentException naming every place looked at, when none holds a pack
   */
  public Path resolve(Path requested) {
    List<Path> tried = new ArrayList<>();
    if (requested != null) {
      tried.add(requested);
      if (Files.isDirectory(requested)) {
        return requested;
      }
      if (requested.getNameCount() == 1 && !requested.isAbsolute()) {
        String name = requested.toString();
        for (Path dir : namedPackFolders()) {
          Path candidate = dir.resolve(name);
          tried.add(candidate);
          if (Files.isDirectory(candidate)) {
            return candidate;
          }
        }
      }
      throw notFound(tried, "pass --model with a pack folder or the name of an installed pack");
    }
    String fromEnv = env.get("CAUSVID_MODEL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path dir = Path.of(fromEnv);
      if (Files.isDirectory(dir)) {
        return dir;
      }
      throw notFound(List.of(dir), "CAUSVID_MODEL names a folder that does not exist");
    }
    List<Path> defaults = new ArrayList<>();
    installed.ifPresent(dir -> defaults.add(dir.resolve(DEFAULT_PACK)));
    defaults.add(workingDir.resolve("models").resolve(DEFAULT_PACK));
    defaults.add(userModels.resolve(DEFAULT_PACK));
    for (Path candidate : defaults) {
      tried.add(candidate);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw notFound(tried, "pass --model DIR or set CAUSVID_MODEL");
  }

  private List<Path> namedPackFolders() {
    List<Path> dirs = new ArrayList<>();
    dirs.add(userModels);
    installed.ifPresent(dirs::add);
    dirs.add(workingDir.resolve("models"));
    return dirs;
  }

  private IllegalArgumentException notFound(List<Path> tried, String hint) {
    StringBuilder msg = new StringBuilder("No model pack at ");
    for (int i = 0; i < tried.size(); i++) {
      msg.append(i == 0 ? "" : i == tried.size() - 1 ? " or " : ", ").append(tried.get(i));
    }
    return new IllegalArgumentException(
        msg
            + ": "
            + hint
            + " (training/causvid/export.py makes packs; extra packs go in "
            + userModels
            + ").");
  }
}
