package io.sqlq.cli;

import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.LockGroup;
import io.sqlq.core.lock.LockReaper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sqlq locks list}: one line per held lock, with its database, holder, age (since the
 * acquire) and the time until its lease ends (negative once it has ended: the reaper deletes it
 * after its grace).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List held locks: database, holder, age, expires in (SQLQ_* and AWS_* variables name the stack).")
final class LocksListCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    try (AwsClients clients = new AwsClients(config); var ec2 = clients.newEc2Client()) {
      List<LockGroup> locks = new LockReaper(ec2, config.lockVpcId(), LockReaper.DEFAULT_GRACE, Clock.systemUTC()).list();
      System.out.print(format(locks, Instant.now()));
      return 0;
    }
  }

  /** The table: a header line, then one line per lock; times in seconds with one decimal. */
  static String format(List<LockGroup> locks, Instant now) {
    StringBuilder out = new StringBuilder(String.format("%-24s %-36s %10s %12s  %s%n",
        "DATABASE", "HOLDER", "AGE", "EXPIRES IN", "GROUP"));
    for (LockGroup lock : locks) {
      out.append(String.format("%-24s %-36s %10s %12s  %s%n", lock.db(), lock.holder() == null ? "-" : lock.holder(),
          seconds(lock.acquiredAt(), now), seconds(now, lock.expiresAt()), lock.groupId()));
    }
    return out.toString();
  }

  private static String seconds(Instant from, Instant to) {
    if (from == null || to == null) {
      return "-";
    }
    return String.format("%.1f s", Duration.between(from, to).toMillis() / 1000.0);
  }
}
