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

  @Override
  public String toString() {
    return "DatabaseClient[" + name + "]";
  }
}
