package io.sqlq.cli;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.DatabaseName;
import io.sqlq.core.sql.SqlScript;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sqlq local run}: the main job. Starts the local stack, submits every statement of a
 * SQL file through {@link SqlqClient}, waits for every reply, prints a summary, optionally
 * exports the published database, and stops the stack. Exit code 0 when every statement got
 * an OK reply, 1 otherwise.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a SQL file through the whole local pipeline and print a summary.")
final class LocalRunCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Option(names = "--db", required = true, description = "Database name ([A-Za-z0-9_-]{1,64}).")
  String db;

  @Option(names = "--file", required = true, description = "SQL script (UTF-8), split the way the sqlite3 shell does.")
  Path file;

  @Option(names = "--export", description = "Write the published database file here when done.")
  Path export;

  @Option(names = "--timeout", defaultValue = "PT5M",
      description = "Per-request reply timeout, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    DatabaseName.validate(db);
    List<String> statements = SqlScript.split(Files.readString(file, StandardCharsets.UTF_8));
    try (LocalPipeline pipeline = LocalPipeline.start(stack.options());
        SqlqClient client = SqlqClient.builder().sqs(pipeline.sqs())
            .requestQueueUrl(pipeline.config().requestQueueUrl())
            .defaultReplyQueueUrl(pipeline.config().replyQueueUrl()).ownReplyQueue()
            .defaultDatabase(db).requestTimeout(timeout).maxBlock(timeout)
            .replyWaitTime(Duration.ofSeconds(1)).build()) {
      ScriptRun.Summary summary = ScriptRun.run(client, db, statements,
          () -> new ScriptRun.ConsumerCounts(pipeline.batches(), pipeline.failedRecords()), System.err);
      System.out.println(summary.format());
      if (export != null) {
        exportDatabase(pipeline, export);
        System.out.println("exported " + db + " to " + export + " (" + Files.size(export) + " bytes)");
      }
      return summary.clean() ? 0 : 1;
    }
  }

  private void exportDatabase(LocalPipeline pipeline, Path target) throws java.io.IOException {
    DatabaseStore store = new PageDeltaStore(pipeline.s3(), pipeline.config().bucket(), pipeline.config().keyPrefix());
    Path absolute = target.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    if (store.fetch(db, null, absolute) instanceof DatabaseStore.Fetched.Missing) {
      throw new java.io.IOException("database " + db + " was never published; nothing to export");
    }
  }
}
