package studio.causvid.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packager's checks before it runs jlink and jpackage (those run in installer-test.sh). */
class PackagerTest {
  @TempDir Path tmp;

  private Packager packager(String pack, String types) throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app/target"));
    Files.createDirectories(app.resolve("lib"));
    Files.writeString(app.resolve(Packager.MAIN_JAR), "");
    return new Packager(
        Map.of(
            "root", tmp.toString(),
            "app", app.toString(),
            "pack", pack,
            "resources", tmp.resolve("res").toString(),
            "work", tmp.resolve("work").toString(),
            "version", "0.1.0-SNAPSHOT",
            "types", types));
  }

  @Test
  void missingPackNamesTheFolderAndTheProperty() throws Exception {
    var e =
        assertThrows(IllegalStateException.class, () -> packager("models/default", "auto").build());
    assertTrue(e.getMessage().startsWith("No model pack at " + tmp.resolve("models/default")));
    assertTrue(e.getMessage().contains("-Dinstaller.pack=DIR"));
  }

  @Test
  void everyLauncherGivesTheJvmTheSameFlags() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertEquals(Packager.JVM_FLAGS, jvmFlags(launchLine(root.resolve("studio"), "exec java ")));
    assertEquals(Packager.JVM_FLAGS, jvmFlags(launchLine(root.resolve("studio.cmd"), "java ")));
    String pom = Files.readString(root.resolve("app/pom.xml"));
    String argLine = pom.substring(pom.indexOf("<argLine>"), pom.indexOf("</argLine>"));
    // The tests add a heap ceiling of their own.
    assertEquals(
        Packager.JVM_FLAGS, jvmFlags(argLine).stream().filter(f -> !f.startsWith("-Xmx")).toList());
  }

  private static String launchLine(Path launcher, String prefix) throws Exception {
    return Files.readAllLines(launcher).stream()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError(launcher + " has no line starting " + prefix));
  }

  private static List<String> jvmFlags(String line) {
    return Arrays.stream(line.split("\\s+")).filter(w -> w.startsWith("-X")).toList();
  }

  @Test
  void namedTypesLeaveOutTheImageItIsAlwaysMade() throws Exception {
    assertEquals(List.of("deb", "rpm"), packager("p", "app-image, deb,rpm").packageTypes());
  }

  @Test
  void modularJarsGiveTheirJdkRequiresOnly() throws Exception {
    // junit-jupiter-api's descriptor requires opentest4j, apiguardian (static) and
    // junit-platform-commons besides java.base: none of those is a JDK module.
    Path junit = Path.of(Test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertEquals(new java.util.TreeSet<>(RuntimeModules.ALWAYS), RuntimeModules.of(List.of(junit)));
  }
}
