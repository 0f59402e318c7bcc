package io.sqlq.cli;

import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.store.DatabaseHistory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sqlq history --db NAME}: the kept versions of a database in the stack named by the
 * environment ({@link DatabaseHistory}), oldest first, one line each:
 * {@code <version> <time, ISO-8601 UTC> <delta|snapshot> <bytes>}. Exits 0; a database without a
 * layout-v2 manifest prints {@code sqlq: <message>} and exits 1.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"List the kept versions of a database: version, time, delta or snapshot, bytes uploaded.",
        "sqlq history --db main"})
final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--db", required = true, description = "Database name.")
  String db;

  @Override
  public Integer call() {
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    try (AwsClients aws = new AwsClients(config); var s3 = aws.newS3Client()) {
      for (DatabaseHistory.Version v : new DatabaseHistory(s3, config.bucket(), config.keyPrefix()).versions(db)) {
        spec.commandLine().getOut().printf("%d %s %s %d%n", v.version(), v.at(), v.snapshot() ? "snapshot" : "delta",
            v.bytes());
      }
      return 0;
    } catch (io.sqlq.core.store.VersionNotKeptException e) {
      spec.commandLine().getErr().println("sqlq: " + e.getMessage());
      return 1;
    }
  }
}
