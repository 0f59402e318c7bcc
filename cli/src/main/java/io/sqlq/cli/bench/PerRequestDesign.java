package io.sqlq.cli.bench;

import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.BatchListener;
import io.sqlq.core.DatabaseName;
import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The design sqlq replaced, for {@code sqlq bench}'s baseline: one call per request, each taking
 * the database's lock, downloading the whole file (no cache), applying the one statement,
 * uploading the whole file and releasing the lock before it replies (DESIGN.md: the original
 * "AWSServerlessDB", a Lambda per query). Built on sqlq's own ports, the Security Group lock and
 * the S3 store, so the comparison is of the design, not of two implementations of S3 or EC2
 * calls; but none of sqlq's batching, caching or bookkeeping: a plain SQLite connection, no
 * exactly-once state, no savepoint. Not a way to run sqlq, only a yardstick; it lives in the
 * bench and nothing else uses it.
 *
 * <p>Three things differ from the original for fairness or safety and favour the baseline: the
 * upload is conditional (the store has no other kind; it costs nothing more), a failed
 * statement publishes nothing, and the lock is released on every path. The reply is the call's
 * return value, as a synchronous Lambda invocation returns it.
 *
 * <p>It reports each call to a {@link BatchListener} as a batch of one request, so the bench
 * reads its lock waits and S3 bytes exactly as it reads the consumer's.
 */
final class PerRequestDesign {
  private final DatabaseLock lock;
  private final DatabaseStore store;
  private final Path work;
  private final BatchListener listener;
  private final Duration lockWait;
  private final Map<String, Long> versions = new ConcurrentHashMap<>();

  /**
   * @param work where each call downloads its database (one file per database; calls on one
   *     database must not overlap, as the lock ensures)
   * @param lockWait the longest wait for the lock
   */
  PerRequestDesign(DatabaseLock lock, DatabaseStore store, Path work, BatchListener listener, Duration lockWait) {
    this.lock = lock;
    this.store = store;
    this.work = work;
    this.listener = listener;
    this.lockWait = lockWait;
  }

  /**
   * One call: lock, download, apply {@code statement}, upload, release, reply.
   *
   * @throws SQLException when the statement fails (nothing is published; the lock is released)
   * @throws io.sqlq.core.SqlqException when the lock, S3 or the file fails
   */
  void call(String db, Statement statement) throws SQLException {
    listener.received(db, 1, 1);
    try {
      Lease lease = lock.acquire(db, lockWait);
      try {
        listener.acquired(lease);
        apply(db, statement);
      } finally {
        lock.release(lease);
      }
    } catch (SQLException e) {
      listener.failed(db, new IllegalStateException("SQL error: " + e.getMessage(), e));
      throw e;
    } catch (RuntimeException e) {
      listener.failed(db, e);
      throw e;
    }
    listener.released(db);
    listener.replied(db, 0);
  }

  /** Download, apply, upload: what the call does under the lock. */
  private void apply(String db, Statement statement) throws SQLException {
    try {
      Path file = work.resolve(DatabaseName.validate(db) + ".sqlite");
      Files.deleteIfExists(file);
      Fetched fetched = store.fetch(db, null, file);
      String etag = fetched instanceof Fetched.Downloaded downloaded ? downloaded.etag() : null;
      listener.fetched(db, fetched, fetched instanceof Fetched.Downloaded ? Files.size(file) : 0);
      long version = versions.merge(db, 1L, Long::sum);
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
          PreparedStatement prepared = connection.prepareStatement(statement.sql())) {
        LocalRuns.execute(prepared, statement.params());
      }
      listener.applied(db, new AppliedBatch(version, List.of(), true));
      long bytes = Files.size(file);
      store.publish(db, file, etag, version);
      listener.published(db, version, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("the baseline's copy of " + db, e);
    }
  }

  /**
   * Seeds database {@code db} with {@code file}, as the first version, before the calls.
   */
  void seed(String db, Path file) {
    store.publish(db, file, null, 0);
    versions.put(db, 0L);
  }
}
