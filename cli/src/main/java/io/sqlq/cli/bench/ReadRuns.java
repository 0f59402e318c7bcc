package io.sqlq.cli.bench;

import io.sqlq.client.Consistency;
import io.sqlq.client.DatabaseClient;
import io.sqlq.client.QueryResult;
import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.store.PageDeltaStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The read series: how long one point read of the generated table takes each way a client can
 * read, on the pipeline's local stack, one read after another on one thread. Two databases are
 * seeded in S3 from the same file; each kind of read runs {@code reads} times (fewer for the slow
 * kinds, see {@link Kind#share}), and each read is checked: a read that returns the wrong rows
 * counts as an error.
 */
final class ReadRuns {
  private ReadRuns() {}

  /** The ways a client reads, in the order they run. */
  enum Kind {
    /** {@code query(snapshot())} with the snapshot cached: no call to the store. */
    SNAPSHOT_WARM("snapshot, warm", "query(snapshot()) with the database cached: no store call", 1.0),
    /** {@code query(latest())} with nothing changed: a conditional GET answered 304 Not Modified. */
    LATEST_WARM("latest, warm", "query(latest()) with nothing changed: one conditional GET, answered 304", 0.4),
    /** A read that downloads the whole file: two databases in a cache of one byte, read in turn. */
    COLD("cold", "query(snapshot()) of a database not cached: the whole file downloaded (two databases read in"
        + " turn through a cache of one byte)", 0.1),
    /** A write through the queue, then {@code query(atLeast(v))} of its reply's version; only the query timed. */
    READ_YOUR_WRITES("read-your-writes", "query(atLeast(v)) right after a write's reply carried version v: the"
        + " new version downloaded; only the query is timed", 0.08),
    /** A SELECT through the queue with {@code submit}: ordered with the writes, answered by the consumer. */
    QUEUE("through the queue", "submit(SELECT) and wait for the reply: the queue, the lock, a batch of its own", 0.08);

    private final String label;
    private final String description;
    private final double share;

    Kind(String label, String description, double share) {
      this.label = label;
      this.description = description;
      this.share = share;
    }

    String label() {
      return label;
    }

    String description() {
      return description;
    }

    /** How many of {@code reads} this kind runs: a share, at least 5. */
    int count(int reads) {
      return Math.max(5, (int) Math.round(reads * share));
    }
  }

  /** The reads of every kind together, for {@code reads} warm snapshot reads. */
  static int total(int reads) {
    return java.util.stream.Stream.of(Kind.values()).mapToInt(k -> k.count(reads)).sum();
  }

  @FunctionalInterface
  private interface Read {
    /** Read number {@code i}; the error's text when it returned the wrong rows, else null. */
    String run(int i) throws Exception;
  }

  /**
   * Seeds {@code databases} {@code reads-a} and {@code reads-b} from {@code seed} (the generated
   * table, {@code rows} rows) and measures every {@link Kind}.
   *
   * @param reads the warm snapshot reads; the other kinds run a share of it ({@link #total})
   * @param onRead runs after each read (the progress bar's step)
   * @return one {@link ReadFigures} per kind, in {@link Kind} order
   */
  static List<ReadFigures> run(AwsRuns.PipelineStack stack, Path seed, long rows, int reads, Runnable onRead)
      throws Exception {
    PageDeltaStore store = new PageDeltaStore(stack.pipeline().s3(), stack.pipeline().config().bucket(),
        stack.pipeline().config().keyPrefix());
    store.publish("reads-a", seed, null, 0);
    store.publish("reads-b", seed, null, 0);
    DatabaseClient db = stack.client().database("reads-a");
    db.query(Consistency.latest(), Workloads.READ, 1L);
    double mb = java.nio.file.Files.size(seed) / (double) (1 << 20);
    List<ReadFigures> figures = new ArrayList<>();
    figures.add(measure(onRead, Kind.SNAPSHOT_WARM, mb, Kind.SNAPSHOT_WARM.count(reads),
        i -> oneRow(db.query(Consistency.snapshot(), Workloads.READ, id(i, rows)))));
    figures.add(measure(onRead, Kind.LATEST_WARM, mb, Kind.LATEST_WARM.count(reads),
        i -> oneRow(db.query(Consistency.latest(), Workloads.READ, id(i, rows)))));
    try (SqlqClient cold = SqlqClient.builder().sqs(stack.pipeline().sqs()).store(store).snapshotMaxBytes(1)
        .requestQueueUrl(stack.pipeline().config().requestQueueUrl()).defaultReplyQueueUrl(stack.pipeline().config().replyQueueUrl())
        .ownReplyQueue().replyWaitTime(Duration.ofSeconds(1)).build()) {
      cold.database("reads-b").query(Consistency.snapshot(), Workloads.READ, 1L);
      figures.add(measure(onRead, Kind.COLD, mb, Kind.COLD.count(reads), i -> oneRow(
          cold.database(i % 2 == 0 ? "reads-a" : "reads-b").query(Consistency.snapshot(), Workloads.READ, id(i, rows)))));
    }
    figures.add(readYourWrites(onRead, db, mb, Kind.READ_YOUR_WRITES.count(reads)));
    figures.add(measure(onRead, Kind.QUEUE, mb, Kind.QUEUE.count(reads), i -> {
      Reply reply = db.submit(Workloads.READ, id(i, rows)).get(AwsRuns.REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return !reply.ok() ? reply.error().code() + " " + reply.error().message()
          : reply.results().getFirst().rows().size() == 1 ? null : "not one row: " + reply.results().getFirst().rows();
    }));
    return figures;
  }

  /** Each write sets row 1's counter to its number; the query after it must see that number. */
  private static ReadFigures readYourWrites(Runnable onRead, DatabaseClient db, double mb, int n) throws Exception {
    Phase phase = new Phase(onRead);
    phase.start();
    for (int i = 0; i < n; i++) {
      Reply write = db.submit("UPDATE items SET n = ? WHERE id = 1", -i - 1L)
          .get(AwsRuns.REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long start = System.nanoTime();
      String error;
      try {
        QueryResult read = db.query(Consistency.atLeast(write.dbVersion()), "SELECT n FROM items WHERE id = 1");
        error = read.rows().equals(List.of(List.of(-i - 1L))) ? null : "write " + (-i - 1) + " not seen: " + read.rows();
      } catch (RuntimeException e) {
        error = String.valueOf(e);
      }
      phase.statement(System.nanoTime() - start, write.ok() ? error : "the write failed: " + write.error());
    }
    phase.stop();
    return ReadFigures.of(Kind.READ_YOUR_WRITES, mb, phase);
  }

  private static ReadFigures measure(Runnable onRead, Kind kind, double mb, int n, Read read) {
    Phase phase = new Phase(onRead);
    phase.start();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      String error;
      try {
        error = read.run(i);
      } catch (Exception e) {
        error = String.valueOf(e);
      }
      phase.statement(System.nanoTime() - start, error);
    }
    phase.stop();
    return ReadFigures.of(kind, mb, phase);
  }

  private static long id(int i, long rows) {
    return 1 + (i * 7919L) % rows;
  }

  private static String oneRow(QueryResult result) {
    return result.rows().size() == 1 ? null : "not one row: " + result.rows();
  }
}
