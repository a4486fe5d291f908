package studio.causvid.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch reference sampler ({@code training/reference_sampler.py}) on the same pack and
 * compares speed. Expected interface: {@code --pack DIR --seconds N --seed S --prompt TEXT --bench}
 * printing a JSON line with {@code frames_per_second} as its last line. Absent script, torch or
 * figure → null, with the reason.
 */
final class ReferenceSampler {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /**
   * In the checkout the {@code studio} launcher names ({@code CAUSVID_CHECKOUT}), so that a bench
   * run from another folder finds it; else relative to the working folder.
   */
  static final Path SCRIPT =
      Path.of(System.getenv().getOrDefault("CAUSVID_CHECKOUT", ""))
          .resolve("training/reference_sampler.py");

  private ReferenceSampler() {}

  static void compare(Path pack, double seconds, long seed, double javaFps, ObjectNode out) {
    String why = null;
    Double torchFps = null;
    try {
      if (!Files.isRegularFile(SCRIPT)) {
        why = SCRIPT + " not found";
      } else if (!Files.isExecutable(PYTHON)
          || run(List.of(PYTHON.toString(), "-c", "import torch"), 120) == null) {
        why = "torch does not import with " + PYTHON;
      } else {
        String last =
            run(
                List.of(
                    PYTHON.toString(),
                    SCRIPT.toString(),
                    "--pack",
                    pack.toString(),
                    "--seconds",
                    Double.toString(seconds),
                    "--seed",
                    Long.toString(seed),
                    "--prompt",
                    BenchCommand.BENCH_PROMPT,
                    "--bench"),
                3600);
        if (last == null) {
          why = "reference sampler failed";
        } else {
          JsonNode json = new ObjectMapper().readTree(last);
          if (json.hasNonNull("frames_per_second")) {
            torchFps = json.get("frames_per_second").asDouble();
          } else {
            why = "reference sampler printed no frames_per_second";
          }
        }
      }
    } catch (Exception e) {
      why = "reference sampler failed: " + e.getMessage();
    }
    if (torchFps != null && torchFps > 0) {
      out.put("pytorch_frames_per_second", BenchCommand.round(torchFps));
      out.put("speed_vs_pytorch", BenchCommand.round(javaFps / torchFps));
    } else {
      out.putNull("pytorch_frames_per_second");
      out.putNull("speed_vs_pytorch");
      out.put("pytorch_note", why);
    }
  }

  /** The last non-empty stdout line, or null when the command fails. */
  private static String run(List<String> command, long timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return null;
    }
    if (p.exitValue() != 0) {
      return null;
    }
    String last = "";
    for (String line : new String(stdout, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        last = line.trim();
      }
    }
    return last;
  }
}
