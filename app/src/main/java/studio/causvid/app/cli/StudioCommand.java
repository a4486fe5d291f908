package studio.causvid.app.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import studio.causvid.app.Main;

/** The headless command line: {@code generate} and {@code bench}. No JavaFX here. */
@Command(
    name = "studio",
    mixinStandardHelpOptions = true,
    version = "CausVid Studio " + Main.VERSION,
    description = "Real-time AI video from text, photos and videos.",
    subcommands = {GenerateCommand.class, BenchCommand.class})
public final class StudioCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and returns the exit code; errors are one line, never a trace. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new StudioCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("error: " + CliErrors.message(e));
          err.flush();
          return CliErrors.EXIT_FAILED;
        });
    return cli.execute(args);
  }
}
