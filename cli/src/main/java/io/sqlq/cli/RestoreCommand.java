package io.sqlq.cli;

import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.store.DatabaseHistory;
import io.sqlq.core.store.VersionNotKeptException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sqlq restore --db NAME (--version N | --at TIME) --out FILE}: rebuilds a kept version of a
 * database from its snapshot and deltas ({@link DatabaseHistory#restore}), checks its checksum,
 * and writes it to FILE (replaced only when the checksum matched). Prints
 * {@code restored <db> version <N> (<time>) to <FILE>} and exits 0; a version not kept prints
 * {@code sqlq: <message>} and exits 1. It reads the store only: the database is not changed.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Rebuild a kept version of a database into a local file, checksum checked.",
        "sqlq restore --db main --version 42 --out main-42.sqlite",
        "sqlq restore --db main --at 2026-12-01T10:00:00Z --out main-10h.sqlite"})
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--db", required = true, description = "Database name.")
  String db;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--version", description = "The database version (see sqlq history).")
    Long version;

    @Option(names = "--at", description = "A time, ISO-8601 such as 2026-12-01T10:00:00Z: the version current then.")
    Instant at;
  }

  @Option(names = "--out", required = true, description = "The file to write.")
  Path out;

  @Override
  public Integer call() {
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    try (AwsClients aws = new AwsClients(config); var s3 = aws.newS3Client()) {
      var history = new DatabaseHistory(s3, config.bucket(), config.keyPrefix());
      DatabaseHistory.Version restored = which.version != null ? history.restore(db, which.version, out)
          : history.restoreAt(db, which.at, out);
      spec.commandLine().getOut().printf("restored %s version %d (%s) to %s%n", db, restored.version(), restored.at(),
          out);
      return 0;
    } catch (VersionNotKeptException e) {
      spec.commandLine().getErr().println("sqlq: " + e.getMessage());
      return 1;
    }
  }
}
