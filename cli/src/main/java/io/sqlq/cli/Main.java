package io.sqlq.cli;

import io.sqlq.core.SqlqException;
import picocli.CommandLine;

/** Entry point of the {@code sqlq} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with sqlq's error handling: a {@link SqlqException} (bad input, AWS or the
   * emulator unreachable, a missing configuration) prints one line, {@code sqlq: <message>},
   * and exits with 2, as do an unreadable file and an invalid argument; anything else prints
   * its stack trace, since it is a bug.
   */
  static CommandLine commandLine() {
    return new CommandLine(new SqlqCommand())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          if (e instanceof java.nio.file.NoSuchFileException missing) {
            cmd.getErr().println("sqlq: no such file: " + missing.getFile());
            return 2;
          }
          if (e instanceof SqlqException || e instanceof java.io.IOException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("sqlq: " + e.getMessage());
            return 2;
          }
          throw e;
        });
  }
}
