package studio.causvid.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import studio.causvid.engine.runtime.Device;
import studio.causvid.engine.runtime.RuntimeOptions;

/** Options every command shares: which pack, which device, how many threads. */
final class EngineOptions {
  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Model pack folder or installed pack name (default: $CAUSVID_MODEL, the installed"
              + " pack, models/default).")
  Path model;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|cuda",
      description = "Where the graphs run (default: auto).")
  String device = "auto";

  @Option(names = "--threads", paramLabel = "N", description = "Threads per graph run (0: all).")
  int threads = 0;

  Path modelDir() {
    return studio.causvid.app.ModelLocator.forThisProcess().resolve(model);
  }

  RuntimeOptions runtime() {
    Device d =
        switch (device.toLowerCase(java.util.Locale.ROOT)) {
          case "auto" -> Device.AUTO;
          case "cpu" -> Device.CPU;
          case "cuda", "gpu" -> Device.CUDA;
          default ->
              throw new CliErrors.UserError(
                  "--device must be auto, cpu or cuda, not '" + device + "'.");
        };
    if (threads < 0) {
      throw new CliErrors.UserError("--threads must be 0 or more.");
    }
    return new RuntimeOptions(d, threads);
  }
}
