package io.sqlq.cli;

import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.lock.ReapReport;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sqlq locks reap}: one run of the reaper; prints its report as one JSON line. */
@Command(name = "reap", mixinStandardHelpOptions = true,
    description = "Delete locks whose lease ended more than the grace ago; print {\"seen\",\"expired\",\"deleted\",\"errors\"}.")
final class LocksReapCommand implements Callable<Integer> {
  @Option(names = "--grace", defaultValue = "PT30S",
      description = "How long past its lease a lock is left alone, ISO-8601 (default: ${DEFAULT-VALUE}, as the reaper function).")
  Duration grace;

  @Override
  public Integer call() {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("--grace must not be negative: " + grace);
    }
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    try (AwsClients clients = new AwsClients(config); var ec2 = clients.newEc2Client()) {
      ReapReport report = new LockReaper(ec2, config.lockVpcId(), grace, Clock.systemUTC()).reap();
      System.out.println(report.toJson());
      return report.errors() == 0 ? 0 : 1;
    }
  }
}
