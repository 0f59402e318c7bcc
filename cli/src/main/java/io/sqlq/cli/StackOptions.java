package io.sqlq.cli;

import io.sqlq.core.Environment;
import io.sqlq.local.LocalPipeline;
import picocli.CommandLine.Option;

/** Options shared by the {@code local} commands. */
final class StackOptions {
  @Option(names = "--stack", defaultValue = "sqlq",
      description = "Resource name prefix of the local stack (default: ${DEFAULT-VALUE}).")
  String stackName;

  @Option(names = "--pollers", defaultValue = "1",
      description = "Concurrent consumer pollers, as Lambda's concurrent executions (default: ${DEFAULT-VALUE}).")
  int pollers;

  /** The pipeline options; the emulator is the one {@code AWS_ENDPOINT_URL} names, if set. */
  LocalPipeline.Options options() {
    return LocalPipeline.options(stackName).pollers(pollers).endpoint(Environment.system().endpoint()).build();
  }
}
