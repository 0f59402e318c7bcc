package io.sqlq.cli.bench;

import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.BatchApplier;
import io.sqlq.consumer.BatchMetrics;
import io.sqlq.consumer.BatchListener;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.Params;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sqlite.HardenedSqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.sqlite.SQLiteConfig;

/**
 * The two modes without AWS: {@link Mode#SQLITE} (the statements straight into SQLite) and
 * {@link Mode#APPLIER} (the consumer's apply step alone). Both run the databases of a workload
 * one after another on one thread, each on a copy of the workload's seed.
 */
final class LocalRuns {
  /** Requests per message as the SDK bundles them by default ({@code maxBundleRequests}). */
  static final int BUNDLE_REQUESTS = 1_000;
  /** Messages per batch: the SQS event source's largest batch for a FIFO queue. */
  static final int BATCH_MESSAGES = 10;
  /** The default reply queue of the applier's stack: requests name it, as the SDK's own queue would be named after it. */
  static final String REPLY_QUEUE = "http://sqs.local/000000000000/bench-replies";
  private static final int PREPARED_CACHE = 64;

  private LocalRuns() {}

  /** A fresh copy of {@code seed} (or nothing, for an empty database) at {@code file}. */
  static Path copySeed(Path seed, Path file) throws IOException {
    Files.deleteIfExists(file);
    if (seed != null) {
      Files.copy(seed, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /**
   * {@link Mode#SQLITE}: each database in one transaction, each statement prepared (once per
   * distinct SQL, from a small cache), bound and run, its rows read; the connection is set as the
   * consumer sets its working copy (journal in memory, no sync), so the comparison with the
   * applier is of code, not of durability settings.
   */
  static void sqlite(Workload workload, Phase phase, Path dir) throws IOException, SQLException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < workload.databases(); i++) {
      files.add(copySeed(workload.seed(), dir.resolve(workload.database(Mode.SQLITE, i) + ".sqlite")));
    }
    phase.start();
    for (Path file : files) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
      config.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(),
          config.toProperties()); PreparedCache cache = new PreparedCache(connection)) {
        connection.setAutoCommit(false);
        for (Statement statement : workload.statements()) {
          long start = System.nanoTime();
          String error = null;
          try {
            execute(cache.get(statement.sql()), statement.params());
          } catch (SQLException e) {
            error = e.getMessage();
          }
          phase.statement(System.nanoTime() - start, error);
        }
        connection.commit();
      }
    }
    phase.stop();
  }

  /** Binds {@code params} to {@code prepared}, runs it and reads every row it returns. */
  static void execute(PreparedStatement prepared, Params params) throws SQLException {
    if (params instanceof Params.Positional positional) {
      for (int i = 0; i < positional.values().size(); i++) {
        prepared.setObject(i + 1, positional.values().get(i));
      }
    } else {
      throw new IllegalArgumentException("the bench's workloads bind by position");
    }
    if (prepared.execute()) {
      try (ResultSet rows = prepared.getResultSet()) {
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
          for (int c = 1; c <= columns; c++) {
            rows.getObject(c);
          }
        }
      }
    }
  }

  /**
   * {@link Mode#APPLIER}: the statements as the SDK would send them (one request each, bundled
   * {@value #BUNDLE_REQUESTS} to a message within the message size, {@value #BATCH_MESSAGES}
   * messages to a batch), and per batch what the consumer does between receiving and
   * publishing, without AWS: decode the bodies, open the working copy ({@link HardenedSqlite}),
   * {@link BatchApplier#apply} (savepoints, the exactly-once state, encoded replies), close.
   * Encoding the bodies is the producer's work and happens before the clock starts. Each
   * request's latency is its batch's time.
   */
  static void applier(Workload workload, Phase phase, Path dir) throws IOException, SQLException {
    RequestCodec codec = new RequestCodec();
    BatchApplier applier = newApplier();
    List<Path> files = new ArrayList<>();
    List<List<List<String>>> batches = new ArrayList<>();
    for (int i = 0; i < workload.databases(); i++) {
      String db = workload.database(Mode.APPLIER, i);
      files.add(copySeed(workload.seed(), dir.resolve(db + ".sqlite")));
      batches.add(batches(bundles(codec, db, workload.statements())));
    }
    phase.start();
    for (int i = 0; i < files.size(); i++) {
      String db = workload.database(Mode.APPLIER, i);
      for (List<String> batch : batches.get(i)) {
        long start = System.nanoTime();
        List<Request> requests = new ArrayList<>();
        for (String body : batch) {
          requests.addAll(codec.decodeRequests(body,
              new MessageContext(UUID.randomUUID().toString(), db, null, REPLY_QUEUE)));
        }
        AppliedBatch applied;
        try (Connection connection = HardenedSqlite.open(files.get(i))) {
          applied = applier.apply(connection, requests);
        }
        long nanos = System.nanoTime() - start;
        long errors = applied.requests().stream().filter(r -> !r.reply().ok()).count();
        for (int e = 0; e < errors; e++) {
          phase.statement(nanos, "an ERROR reply");
        }
        phase.statements((int) (requests.size() - errors), nanos);
        phase.batch(new BatchMetrics.Report(Instant.now(), db, applied.version(), batch.size(), requests.size(),
            -1, Map.of(BatchMetrics.Step.APPLY, nanos / 1e6), nanos / 1e6, -1, -1, null));
      }
    }
    phase.stop();
  }

  /**
   * The consumer's applier as the default configuration sets it up (statement timeout, retention
   * of the exactly-once state, reply size), with {@link #REPLY_QUEUE} as its default reply queue
   * and the system clock.
   */
  static BatchApplier newApplier() {
    return new BatchApplier(new BatchApplier.Settings(SqlqConfig.DEFAULT_STATEMENT_TIMEOUT,
        new ReplyQueues(REPLY_QUEUE), SqlqConfig.DEFAULT_APPLIED_RETENTION,
        MessageLimits.MAX_BODY_BYTES - MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES), Clock.systemUTC(), BatchListener.NONE);
  }

  /** The message bodies the SDK would send for {@code statements}: bundles of up to 1,000 requests and one message. */
  static List<String> bundles(RequestCodec codec, String db, List<Statement> statements) {
    List<String> bodies = new ArrayList<>();
    List<String> elements = new ArrayList<>();
    int bytes = 0;
    int limit = MessageLimits.MAX_BODY_BYTES - 1_024;
    for (Statement statement : statements) {
      String element = codec.encodeBundleElement(
          new Request(UUID.randomUUID().toString(), db, List.of(statement), REPLY_QUEUE, null), REPLY_QUEUE);
      int size = MessageSizes.utf8Length(element) + 1;
      if (!elements.isEmpty() && (elements.size() == BUNDLE_REQUESTS || bytes + size > limit)) {
        bodies.add(codec.joinBundle(REPLY_QUEUE, elements));
        elements = new ArrayList<>();
        bytes = 0;
      }
      elements.add(element);
      bytes += size;
    }
    if (!elements.isEmpty()) {
      bodies.add(codec.joinBundle(REPLY_QUEUE, elements));
    }
    return bodies;
  }

  private static List<List<String>> batches(List<String> bodies) {
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i += BATCH_MESSAGES) {
      batches.add(bodies.subList(i, Math.min(bodies.size(), i + BATCH_MESSAGES)));
    }
    return batches;
  }

  /** The last {@value #PREPARED_CACHE} distinct statements prepared on a connection. */
  private static final class PreparedCache implements AutoCloseable {
    private final Connection connection;
    private final LinkedHashMap<String, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true);

    PreparedCache(Connection connection) {
      this.connection = connection;
    }

    PreparedStatement get(String sql) throws SQLException {
      PreparedStatement statement = prepared.get(sql);
      if (statement == null) {
        statement = connection.prepareStatement(sql);
        prepared.put(sql, statement);
        if (prepared.size() > PREPARED_CACHE) {
          var eldest = prepared.entrySet().iterator().next();
          eldest.getValue().close();
          prepared.remove(eldest.getKey());
        }
      }
      return statement;
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement statement : prepared.values()) {
        statement.close();
      }
    }
  }
}
