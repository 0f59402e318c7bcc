package io.sqlq.client;

import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * Read-only queries on local snapshots of databases, without the queue (DESIGN.md, "Reads from
 * snapshots"): what {@link DatabaseClient#query} runs, usable alone where no client and no reply
 * queue are wanted ({@code sqlq query}). Snapshots live in a fresh directory under
 * {@code java.io.tmpdir}, deleted by {@link #close()}. Thread-safe.
 */
public final class Snapshots implements AutoCloseable {
  private final SnapshotCache cache;
  private final SnapshotReader reader;
  private final Duration maxWait;

  /**
   * @param store where the databases are published; the caller owns the client behind it
   * @param maxBytes most bytes the snapshots take on disk before the least recently read are
   *     deleted (the client's {@code snapshotMaxBytes})
   * @param maxAge the oldest a snapshot may be when read (the client's {@code snapshotMaxAge})
   * @param queryTimeout the budget of one statement (the client's {@code queryTimeout})
   * @param maxWait how long {@link Consistency#atLeast(long)} keeps checking the store (the
   *     client's {@code requestTimeout})
   * @param clock the clock of snapshot ages
   * @throws io.sqlq.core.store.DatabaseFileException when the directory cannot be created
   */
  public Snapshots(DatabaseStore store, long maxBytes, Duration maxAge, Duration queryTimeout, Duration maxWait,
      Clock clock) {
    this.cache = new SnapshotCache(store, Path.of(System.getProperty("java.io.tmpdir"),
        "sqlq-snapshots-" + UUID.randomUUID()), maxBytes, maxAge, clock);
    this.reader = new SnapshotReader(queryTimeout);
    this.maxWait = maxWait;
  }

  /**
   * Runs {@code statement} on a snapshot of {@code db} as current as {@code consistency} asks.
   *
   * @return the rows, the snapshot's version and its age
   * @throws ReadOnlyQueryException when the statement would write ({@code SQLITE_READONLY})
   * @throws QueryFailedException when the statement fails otherwise
   * @throws DatabaseNotFoundException when the database was never published
   * @throws VersionNotReachedException when {@link Consistency#atLeast(long)}'s version was not
   *     in the store within {@code maxWait}
   * @throws io.sqlq.core.aws.AwsCallFailedException when the store cannot be read
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   */
  public QueryResult query(String db, Consistency consistency, Statement statement) {
    return cache.read(db, consistency, maxWait, (file, version, age) -> reader.query(db, file, version, age, statement));
  }

  /** Deletes the snapshots and their directory. */
  @Override
  public void close() {
    cache.close();
  }
}
