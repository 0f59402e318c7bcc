package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.Consistency;
import io.sqlq.client.DatabaseClient;
import io.sqlq.client.QueryResult;
import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sql.SqlScript;
import io.sqlq.core.store.S3DatabaseStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures the four kinds of read on the Chinook database (1.4.5, loaded through the queue) on
 * moto_server, one run, and prints p50 and p99 of each: a warm snapshot read (nothing changed, no
 * store call), a warm latest read (a conditional GET answered 304), a cold read (the whole file
 * downloaded), a read-your-writes read (the query right after a write's reply, with
 * {@code atLeast} of its version) and a read through the queue (a SELECT with {@code submit}).
 * Each read is one indexed row of Track. Asserts only what each read returned, never a time.
 */
class ReadLatencyIT {
  private static final Path CHINOOK = Path.of("..", "examples", "chinook", "Chinook_Sqlite_1.4.5_multirow.sql");
  private static final String ONE_TRACK = "SELECT Name FROM Track WHERE TrackId = ?";
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @Test
  void readLatenciesOfEachKind() throws Exception {
    SqlqClient client = pipeline.client("chinook");
    load(client, "chinook");
    load(client, "chinook2");
    DatabaseClient db = client.database("chinook");
    db.query(Consistency.latest(), ONE_TRACK, 1);

    List<String> lines = new ArrayList<>();
    lines.add(row("warm snapshot()", time(500, i -> check(db.query(Consistency.snapshot(), ONE_TRACK, 1 + i % 3503)))));
    lines.add(row("warm latest() (304)", time(200, i -> check(db.query(Consistency.latest(), ONE_TRACK, 1 + i % 3503)))));
    lines.add(row("cold (whole file)", coldReads(50)));
    lines.add(row("read-your-writes", readYourWrites(db, 40)));
    lines.add(row("through the queue", time(40, i -> {
      Reply reply = db.submit(ONE_TRACK, 1 + i % 3503).get(60, TimeUnit.SECONDS);
      assertThat(reply.results().getFirst().rows()).hasSize(1);
    })));
    long bytes = pipeline.local.s3().headObject(b -> b.bucket(pipeline.local.config().bucket())
        .key(pipeline.local.config().databaseKey("chinook"))).contentLength();

    System.out.printf("%nread latency on moto_server, Chinook 1.4.5 (%,d bytes), one indexed row of Track, ms:%n", bytes);
    System.out.printf("%-22s %6s %8s %8s%n", "read", "n", "p50", "p99");
    lines.forEach(System.out::println);
  }

  /** Cold reads: two databases in a cache of one byte, read in turn, so each read downloads its file whole. */
  private List<Long> coldReads(int n) throws Exception {
    try (SqlqClient small = SqlqClient.builder().sqs(pipeline.sqs)
        .store(new S3DatabaseStore(pipeline.local.s3(), pipeline.local.config())).snapshotMaxBytes(1)
        .requestQueueUrl(pipeline.local.config().requestQueueUrl())
        .defaultReplyQueueUrl(pipeline.local.config().replyQueueUrl()).ownReplyQueue()
        .replyWaitTime(Duration.ofSeconds(1)).build()) {
      small.database("chinook2").query(Consistency.snapshot(), ONE_TRACK, 1);
      return time(n, i -> check(small.database(i % 2 == 0 ? "chinook" : "chinook2")
          .query(Consistency.snapshot(), ONE_TRACK, 1 + i)));
    }
  }

  /** The query after each write's reply, at least the version the reply carried; only the query is timed (µs). */
  private static List<Long> readYourWrites(DatabaseClient db, int n) throws Exception {
    db.submit("CREATE TABLE IF NOT EXISTS ryw(i INTEGER)").get(60, TimeUnit.SECONDS);
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Reply write = db.submit("INSERT INTO ryw VALUES (?)", i).get(60, TimeUnit.SECONDS);
      long start = System.nanoTime();
      QueryResult read = db.query(Consistency.atLeast(write.dbVersion()), "SELECT max(i) FROM ryw");
      micros.add((System.nanoTime() - start) / 1_000);
      assertThat(read.rows()).containsExactly(List.of((long) i));
    }
    return micros;
  }

  private static void load(SqlqClient client, String db) throws Exception {
    List<CompletableFuture<Reply>> loads = new ArrayList<>();
    for (String sql : SqlScript.split(Files.readString(CHINOOK, StandardCharsets.UTF_8))) {
      loads.add(client.database(db).submit(Statement.of(sql)));
    }
    for (CompletableFuture<Reply> load : loads) {
      assertThat(load.get(300, TimeUnit.SECONDS).ok()).isTrue();
    }
  }

  private static void check(QueryResult result) {
    assertThat(result.rows()).hasSize(1);
  }

  @FunctionalInterface
  private interface Read {
    void run(int i) throws Exception;
  }

  /** Runs {@code read} {@code n} times; each one's time in µs. */
  private static List<Long> time(int n, Read read) throws Exception {
    List<Long> micros = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      read.run(i);
      micros.add((System.nanoTime() - start) / 1_000);
    }
    return micros;
  }

  private static String row(String name, List<Long> micros) {
    long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format(Locale.ROOT, "%-22s %6d %8.1f %8.1f", name, sorted.length,
        percentile(sorted, 0.50) / 1000.0, percentile(sorted, 0.99) / 1000.0);
  }

  /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
  private static long percentile(long[] sorted, double p) {
    return sorted[(int) Math.ceil(p * sorted.length) - 1];
  }
}
