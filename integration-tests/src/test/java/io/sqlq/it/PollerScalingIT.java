package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local consumers that scale as Lambda's concurrency per message group would: eight databases
 * written at once, in bundles of 25 INSERTs, through 1, 2 and 4 pollers in one run. Prints the
 * throughput of each; asserts only what does not depend on the machine's speed (every request
 * answered OK, each database's rows applied once and in order), since two shared cores make any
 * time bound a coin toss.
 */
class PollerScalingIT {
  private static final int DATABASES = 8;
  private static final int MESSAGES_PER_DATABASE = 10;
  private static final int BUNDLE = 25;
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(600);

  @Test
  void eightDatabasesThroughOneTwoAndFourPollers_allApplyOnceInOrder(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int pollers : new int[] {1, 2, 4}) {
      lines.add(run(pollers, dir.resolve("pollers-" + pollers)));
    }
    lines.forEach(System.out::println);
  }

  private static String run(int pollers, Path dir) throws Exception {
    try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.options("scale").pollers(pollers).build());
        SqlqClient client = SqlqClient.builder().sqs(pipeline.sqs()).requestQueueUrl(pipeline.config().requestQueueUrl())
            .defaultReplyQueueUrl(pipeline.config().replyQueueUrl()).ownReplyQueue().defaultDatabase("db-0")
            .maxBundleRequests(BUNDLE).requestTimeout(REPLY_TIMEOUT).maxBlock(REPLY_TIMEOUT)
            .replyWaitTime(Duration.ofSeconds(1)).build()) {
      List<CompletableFuture<Reply>> tables = new ArrayList<>();
      for (int db = 0; db < DATABASES; db++) {
        tables.add(client.database("db-" + db).submit(Statement.of("CREATE TABLE log(client INTEGER, seq INTEGER)")));
      }
      for (CompletableFuture<Reply> f : tables) {
        assertThat(f.get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok()).isTrue();
      }
      int perDatabase = MESSAGES_PER_DATABASE * BUNDLE;
      long start = System.nanoTime();
      List<CompletableFuture<Reply>> futures = new ArrayList<>();
      for (int seq = 0; seq < perDatabase; seq++) {
        for (int db = 0; db < DATABASES; db++) {
          futures.add(client.database("db-" + db).submit(Statement.of("INSERT INTO log(client, seq) VALUES (?, ?)",
              0, seq)));
        }
      }
      for (CompletableFuture<Reply> f : futures) {
        assertThat(f.get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok()).isTrue();
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      Files.createDirectories(dir);
      for (int db = 0; db < DATABASES; db++) {
        Path file = dir.resolve("db-" + db + ".sqlite");
        new PageDeltaStore(pipeline.s3(), pipeline.config().bucket(),
            pipeline.config().keyPrefix()).fetch("db-" + db, null, file);
        assertThat(ClientSequences.check(file, Map.of(0, perDatabase))).as("db-%d", db)
            .isEqualTo(new ClientSequences(0, 0, 0));
      }
      return String.format("pollers %d: %d databases, %d requests in bundles of up to %d, %d ms, %.0f requests/s,"
          + " %d batches", pollers, DATABASES, futures.size(), BUNDLE, elapsedMs, futures.size() * 1000.0 / elapsedMs,
          pipeline.batches());
    }
  }
}
