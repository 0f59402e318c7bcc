package io.sqlq.client;

import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link SqlqClient} bound to one database: {@code client.database("shop").submit(sql, params...)}.
 * A lightweight view with nothing to close, as thread-safe as its client; every submit goes
 * through the client (its bundles, in-flight bound and reply queue) and fails as
 * {@link SqlqClient#submit(Statement)} documents. Made by {@link SqlqClient#database(String)},
 * which checked the name.
 */
public final class DatabaseClient {
  private final SqlqClient client;
  private final String name;

  DatabaseClient(SqlqClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** The database name, {@code [A-Za-z0-9_-]{1,64}}. */
  public String name() {
    return name;
  }

  /**
   * Submits one statement with positional parameters to this database.
   *
   * @param sql exactly one SQL statement, {@code ?} placeholders
   * @param params the values of the placeholders: null, Boolean, Long, Integer, Short, Byte,
   *     Double, Float, String or byte[]
   * @return the future of the reply, as {@link SqlqClient#submit(Statement)} describes
   * @throws IllegalArgumentException when {@code sql} is blank or a parameter has an
   *     unsupported type; as {@link SqlqClient#submit(Statement)} otherwise
   */
  public CompletableFuture<Reply> submit(String sql, Object... params) {
    return submit(Statement.of(sql, params));
  }

  /**
   * Submits one statement to this database.
   *
   * @param statement the statement and its parameters (positional or named)
   * @return the future of the reply, as {@link SqlqClient#submit(Statement)} describes
   * @throws IllegalArgumentException as {@link SqlqClient#submit(Statement)}
   * @throws IllegalStateException as {@link SqlqClient#submit(Statement)}
   */
  public CompletableFuture<Reply> submit(Statement statement) {
    return client.submitRequest(name, List.of(statement));
  }

  /**
   * Submits statements to this database as one transaction: all take effect, in order, or none
   * does (an ERROR reply names the failing statement, 0-based).
   *
   * @param statements at least one statement
   * @return the future of the reply, as {@link SqlqClient#submit(Statement)} describes
   * @throws IllegalArgumentException when {@code statements} is empty; as
   *     {@link SqlqClient#submit(Statement)} otherwise
   * @throws IllegalStateException as {@link SqlqClient#submit(Statement)}
   */
  public CompletableFuture<Reply> submitTransaction(List<Statement> statements) {
    return client.submitRequest(name, statements);
  }

  /**
   * Runs one read-only statement on a local snapshot of this database, without the queue: no
   * lock, no new database version, no upload. The snapshot is fetched from the store with a
   * conditional GET (nothing downloaded when nothing changed) as {@code consistency} asks, and
   * opened read-only with the consumer's hardening (no extensions, no ATTACH, its limits, the
   * client's {@code queryTimeout} per statement, rows up to 16 MiB). Blocks the calling thread;
   * concurrent queries of one database share one download.
   *
   * @param consistency how current the snapshot must be: {@link Consistency#snapshot()},
   *     {@link Consistency#latest()} or {@link Consistency#atLeast(long)}
   * @param statement exactly one statement; values bound as in {@code submit}
   * @return the rows, the snapshot's version and its age
   * @throws ReadOnlyQueryException when the statement would write ({@code SQLITE_READONLY})
   * @throws QueryFailedException when the statement fails otherwise (its code as an ERROR reply
   *     would carry it: an SQL error, a refused construct, {@code SQLQ_STATEMENT_TIMEOUT},
   *     {@code SQLQ_REPLY_TOO_LARGE})
   * @throws DatabaseNotFoundException when the database was never published
   * @throws VersionNotReachedException when {@link Consistency#atLeast(long)}'s version was not
   *     in the store within the client's {@code requestTimeout}
   * @throws io.sqlq.core.aws.AwsCallFailedException when the store cannot be read
   * @throws io.sqlq.core.store.DatabaseFileException when the snapshot cannot be written locally
   * @throws ClientClosedException after {@link SqlqClient#close()} began
   * @throws IllegalStateException when the client was built without a store
   */
  public QueryResult query(Consistency consistency, Statement statement) {
    return client.queryDatabase(name, consistency, statement);
  }

  /**
   * Runs one read-only statement with positional parameters on a snapshot of this database;
   * shorthand for {@link #query(Consistency, Statement) query(consistency, Statement.of(sql, params))}.
   *
   * @throws IllegalArgumentException when {@code sql} is blank or a parameter has an
   *     unsupported type; as {@link #query(Consistency, Statement)} otherwise
   */
  public QueryResult query(Consistency consistency, String sql, Object... params) {
    return query(consistency, Statement.of(sql, params));
  }

  /**
   * The highest {@code dbVersion} the client's replies from this database carried, 0 when none
   * came yet: {@code query(Consistency.atLeast(db.seenVersion()), ...)} reads this client's own
   * answered writes.
   */
  public long seenVersion() {
    return client.seenVersion(name);
  }

  @Override
  public String toString() {
    return "DatabaseClient[" + name + "]";
  }
}
