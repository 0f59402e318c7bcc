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

  /**
   * The pipeline options; the emulators are the running ones {@code AWS_ENDPOINT_URL} and
   * {@code AWS_ENDPOINT_URL_SQS}, {@code _S3}, {@code _EC2} name, if any is set.
   */
  LocalPipeline.Options options() {
    return LocalPipeline.options(stackName).pollers(pollers).endpoints(Environment.system().endpoints()).build();
  }
}
