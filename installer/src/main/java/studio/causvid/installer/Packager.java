package studio.causvid.installer;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds what end users install: a jlink runtime with only the modules the app needs, a jpackage
 * app image holding it, the app's jars and the model pack, and the native package of the build
 * system (.deb on Linux, .msi on Windows, .dmg on macOS). Run by {@code mvn -Pinstaller package -pl
 * installer -am}; options come as {@code --name=value}.
 */
public final class Packager {
  static final String NAME = "causvid-studio";
  static final String TITLE = "CausVid Studio";
  static final String MAIN_JAR = "causvid-studio.jar";
  static final String MAIN_CLASS = "studio.causvid.app.Main";
  static final String DESCRIPTION = "Real-time AI video from text, photos and videos";
  static final String VENDOR = "CausVid Studio";
  static final String CLASS_LIST = "studio.classlist";
  static final String CLASS_ARCHIVE_SCRIPT = "class-archive.sh";
  static final String CLASS_ARCHIVE = "causvid-studio.jsa";

  /**
   * The flags every launcher gives the JVM: a working-size heap, regions large enough that a
   * block's buffers do not each start a GC cycle, and only the quick JIT tier, whose compiles do
   * not take the window's core (both measured as UI stalls, docs/studio.md). {@code ./studio},
   * {@code studio.cmd} and app/pom.xml's test argLine pass the same; PackagerTest holds them to it.
   */
  static final List<String> JVM_FLAGS =
      List.of("-Xms256m", "-XX:G1HeapRegionSize=4m", "-XX:TieredStopAtLevel=1");

  private final Path root;
  private final Path app;
  private final Path pack;
  private final Path resources;
  private final Path work;
  private final String version;
  private final String types;
  private final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);

  Packager(Map<String, String> options) {
    root = Path.of(require(options, "root")).toAbsolutePath().normalize();
    app = Path.of(require(options, "app")).toAbsolutePath().normalize();
    pack = root.resolve(require(options, "pack")).normalize();
    resources = Path.of(require(options, "resources")).toAbsolutePath().normalize();
    work = Path.of(require(options, "work")).toAbsolutePath().normalize();
    // Installers want a numeric version: 0.1.0-SNAPSHOT -> 0.1.0.
    version = require(options, "version").replaceAll("[^0-9.].*$", "");
    types = options.getOrDefault("types", "auto");
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("Packager options are --name=value, not " + arg);
      }
      options.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    new Packager(options).build();
  }

  void build() throws IOException {
    Path mainJar = app.resolve(MAIN_JAR);
    if (!Files.isRegularFile(mainJar) || !Files.isDirectory(app.resolve("lib"))) {
      throw new IllegalStateException(
          "No app build at " + app + ": run with -am (mvn -Pinstaller package -pl installer -am).");
    }
    if (!Files.isRegularFile(pack.resolve("manifest.json"))) {
      throw new IllegalStateException(
          "No model pack at "
              + pack
              + " (no manifest.json): the installer bundles the pack named by -Dinstaller.pack=DIR,"
              + " default models/default. Export one with training/causvid/export.py, or build a"
              + " test installer with -Dinstaller.pack=engine/src/test/resources/tiny-pack.");
    }

    Path input = work.resolve("jpackage-input");
    Path runtime = work.resolve("runtime");
    Path dest = work.resolve("jpackage");
    deleteTree(input);
    deleteTree(runtime);
    deleteTree(dest);

    // The same layout ./studio runs: the app jar, lib/ on its Class-Path, and the bundled pack.
    List<Path> jars = new ArrayList<>();
    jars.add(copy(mainJar, input.resolve(MAIN_JAR)));
    try (Stream<Path> libs = Files.list(app.resolve("lib"))) {
      for (Path jar : libs.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        jars.add(copy(jar, input.resolve("lib").resolve(jar.getFileName())));
      }
    }
    copyTree(pack, input.resolve("models").resolve("default"));
    // The class-data archive is made where the jars are installed (the .deb's postinst runs
    // class-archive.sh): the JVM ignores an archive whose jars have moved.
    for (String cds : List.of(CLASS_LIST, CLASS_ARCHIVE_SCRIPT)) {
      copy(root.resolve("app/cds").resolve(cds), input.resolve(cds));
    }

    Set<String> modules = RuntimeModules.of(jars);
    log("runtime modules: " + String.join(",", modules));
    run(
        "jlink",
        "--add-modules",
        String.join(",", modules),
        "--strip-debug",
        "--no-header-files",
        "--no-man-pages",
        "--compress=2",
        "--output",
        runtime.toString());

    List<String> image = new ArrayList<>(common());
    image.addAll(
        List.of(
            "--type",
            "app-image",
            "--input",
            input.toString(),
            "--main-jar",
            MAIN_JAR,
            "--main-class",
            MAIN_CLASS,
            "--runtime-image",
            runtime.toString(),
            // jpackage expands $APPDIR to the folder holding the jars and models/.
            "--java-options",
            "-Dcausvid.models=$APPDIR/models",
            // Made at install time; without it (not made yet, or no postinst on this system)
            // the JVM starts as usual.
            "--java-options",
            "-XX:SharedArchiveFile=$APPDIR/" + CLASS_ARCHIVE));
    for (String flag : JVM_FLAGS) {
      image.addAll(List.of("--java-options", flag));
    }
    if (isLinux()) {
      image.addAll(List.of("--icon", resources.resolve(NAME + ".png").toString()));
    }
    if (isWindows()) {
      // A console twin of the launcher, so that `generate` and `bench` print in cmd.exe.
      Path console = work.resolve("console-launcher.properties");
      Files.writeString(console, "win-console=true\n");
      image.addAll(List.of("--add-launcher", NAME + "-cli=" + console));
    }
    run("jpackage", image.toArray(String[]::new));
    Path appImage = dest.resolve(isMac() ? NAME + ".app" : NAME);
    log("app image: " + appImage + " (" + megabytes(sizeOf(appImage)) + ")");

    for (String type : packageTypes()) {
      List<String> pkg = new ArrayList<>(common());
      pkg.addAll(List.of("--type", type, "--app-image", appImage.toString()));
      pkg.addAll(nativeOptions(type));
      run("jpackage", pkg.toArray(String[]::new));
    }
    try (Stream<Path> out = Files.list(dest)) {
      for (Path p : out.filter(Files::isRegularFile).toList()) {
        log("installer: " + p + " (" + megabytes(Files.size(p)) + ")");
      }
    }
  }

  private List<String> common() {
    return List.of(
        "--name",
        NAME,
        "--app-version",
        version,
        "--description",
        DESCRIPTION,
        "--vendor",
        VENDOR,
        "--dest",
        work.resolve("jpackage").toString());
  }

  private List<String> nativeOptions(String type) {
    return switch (type) {
      case "deb", "rpm" ->
          List.of(
              "--resource-dir",
              resources.resolve("linux").toString(),
              "--install-dir",
              "/opt",
              "--linux-package-name",
              NAME,
              "--linux-shortcut",
              "--linux-menu-group",
              "AudioVideo;Video;",
              "--linux-app-category",
              "video",
              "--linux-deb-maintainer",
              "causvid-studio@localhost");
      case "msi", "exe" ->
          List.of(
              "--win-menu",
              "--win-menu-group",
              TITLE,
              "--win-shortcut",
              "--win-dir-chooser",
              "--install-dir",
              TITLE);
      case "dmg", "pkg" ->
          List.of("--mac-package-name", TITLE, "--mac-package-identifier", "studio.causvid");
      default -> List.of();
    };
  }

  /** The native packages to make: those named, or what this system's tools can build. */
  List<String> packageTypes() {
    if (!types.equals("auto")) {
      return Stream.of(types.split(","))
          .map(String::trim)
          .filter(t -> !t.isEmpty() && !t.equals("app-image"))
          .toList();
    }
    if (isLinux()) {
      return onPath("dpkg-deb") && onPath("fakeroot") ? List.of("deb") : List.of();
    }
    if (isWindows()) {
      // jpackage drives the WiX toolset (3.x: candle and light) to make an .msi.
      return onPath("candle.exe") && onPath("light.exe") ? List.of("msi") : List.of();
    }
    return isMac() ? List.of("dmg") : List.of();
  }

  private boolean isLinux() {
    return os.startsWith("linux");
  }

  private boolean isWindows() {
    return os.startsWith("windows");
  }

  private boolean isMac() {
    return os.startsWith("mac");
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }

  private static void run(String tool, String... args) {
    ToolProvider provider =
        ToolProvider.findFirst(tool)
            .orElseThrow(
                () -> new IllegalStateException(tool + " is missing: build with a full JDK 17+"));
    log(tool + " " + String.join(" ", args));
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int rc = provider.run(out, err, args);
    if (rc != 0) {
      throw new IllegalStateException(tool + " failed (exit " + rc + "); see its output above.");
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Packager needs --" + name + "=…");
    }
    return value;
  }

  private static void log(String line) {
    System.out.println("[installer] " + line);
  }
}
