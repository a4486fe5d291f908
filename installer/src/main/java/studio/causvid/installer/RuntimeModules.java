package studio.causvid.installer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * The JDK modules the app's jars need, for jlink: a modular jar states them in its descriptor (its
 * non-static {@code requires}); a plain jar is read by jdeps. Running jdeps over all jars at once
 * does not work here, because javacv's descriptor requires presets (OpenCV …) that the build leaves
 * out.
 */
final class RuntimeModules {
  /** Needed but invisible to both: JavaCPP reaches {@code sun.misc.Unsafe} reflectively. */
  static final Set<String> ALWAYS = Set.of("java.base", "jdk.unsupported");

  private RuntimeModules() {}

  static Set<String> of(List<Path> jars) {
    Set<String> modules = new TreeSet<>(ALWAYS);
    for (Path jar : jars) {
      ModuleDescriptor descriptor =
          ModuleFinder.of(jar).findAll().stream()
              .map(ModuleReference::descriptor)
              .findFirst()
              .orElse(null);
      if (descriptor != null && !descriptor.isAutomatic()) {
        for (ModuleDescriptor.Requires r : descriptor.requires()) {
          if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
              && isJdk(r.name())) {
            modules.add(r.name());
          }
        }
      } else {
        modules.addAll(jdeps(jar));
      }
    }
    return modules;
  }

  private static boolean isJdk(String module) {
    return module.startsWith("java.") || module.startsWith("jdk.");
  }

  private static List<String> jdeps(Path jar) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new IllegalStateException("jdeps is missing: build on a full JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "--print-module-deps",
            "--ignore-missing-deps",
            "--multi-release",
            String.valueOf(Runtime.version().feature()),
            jar.toString());
    if (rc != 0) {
      throw new IllegalStateException("jdeps failed on " + jar + ": " + err + out);
    }
    return Arrays.stream(out.toString().trim().split(","))
        .map(String::trim)
        .filter(m -> !m.isEmpty())
        .toList();
  }
}
