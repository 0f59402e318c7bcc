package io.sqlq.cli;

import io.sqlq.consumer.LocalPipeline;
import picocli.CommandLine.Option;

/** Options shared by the {@code local} commands. */
final class StackOptions {
  @Option(names = "--stack", defaultValue = "sqlq",
      description = "Resource name prefix of the local stack (default: ${DEFAULT-VALUE}).")
  String stackName;

  @Option(names = "--pollers", defaultValue = "1",
      description = "Concurrent consumer pollers, as Lambda's concurrent executions (default: ${DEFAULT-VALUE}).")
  int pollers;

  LocalPipeline.Options options() {
    return LocalPipeline.Options.defaults().withStackName(stackName).withPollers(pollers);
  }
}
