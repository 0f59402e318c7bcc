package io.sqlq.client;

import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.sqlite.HardenedSqlite;
import io.sqlq.core.sqlite.StatementBudget;
import io.sqlq.core.sqlite.StatementExecutor;
import io.sqlq.core.sqlite.StatementFailedException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteException;

/**
 * Runs one statement on a snapshot with the consumer's hardening: the file opened read-only by
 * {@link HardenedSqlite#openReadOnly} (no extensions, no attached files, the consumer's limits),
 * the statement checked and run by the consumer's {@link StatementExecutor} (refused constructs,
 * one statement, the {@link StatementBudget}, rows bounded by {@link #MAX_RESULT_BYTES}).
 */
final class SnapshotReader {
  /**
   * The most bytes of rows one query returns: {@link HardenedSqlite#MAX_VALUE_BYTES}, 16 MiB, the
   * largest single value the connection makes. A query answers from a local file, so it is not
   * bound by one SQS message as a reply is; more is {@code SQLQ_REPLY_TOO_LARGE}.
   */
  static final int MAX_RESULT_BYTES = HardenedSqlite.MAX_VALUE_BYTES;

  private final StatementBudget budget;

  SnapshotReader(Duration statementBudget) {
    this.budget = new StatementBudget(statementBudget);
  }

  /**
   * Runs {@code statement} on the snapshot {@code file} of {@code db}.
   *
   * @throws ReadOnlyQueryException when the statement would write ({@code SQLITE_READONLY})
   * @throws QueryFailedException for any other error of the statement, or when SQLite cannot
   *     read the file
   */
  QueryResult query(String db, Path file, long version, Duration age, Statement statement) {
    try (Connection connection = HardenedSqlite.openReadOnly(file);
        StatementExecutor executor = new StatementExecutor(connection, budget, MAX_RESULT_BYTES)) {
      StatementResult result = executor.execute(statement, 0);
      return new QueryResult(db, result.columns(), result.rows(), version, age);
    } catch (StatementFailedException e) {
      throw failed(db, e.error());
    } catch (SQLException e) {
      String code = e instanceof SQLiteException s ? s.getResultCode().name() : "SQLITE_ERROR";
      throw failed(db, new ReplyError(code, String.valueOf(e.getMessage()), 0));
    }
  }

  /**
   * The database version a snapshot holds: {@code _sqlq_meta}'s {@code version}, which every
   * batch bumps, or 0 for a file sqlq never wrote.
   *
   * @throws QueryFailedException when SQLite cannot read the file
   */
  static long version(String db, Path file) {
    try (Connection connection = HardenedSqlite.openReadOnly(file);
        var statement = connection.createStatement();
        ResultSet meta = statement.executeQuery(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlq_meta'")) {
      if (meta.getInt(1) == 0) {
        return 0;
      }
      try (ResultSet version = statement.executeQuery("SELECT value FROM _sqlq_meta WHERE key = 'version'")) {
        return version.next() ? version.getLong(1) : 0;
      }
    } catch (SQLException e) {
      String code = e instanceof SQLiteException s ? s.getResultCode().name() : "SQLITE_ERROR";
      throw new QueryFailedException(db, new ReplyError(code, "cannot read the snapshot: " + e.getMessage(), null));
    }
  }

  private static QueryFailedException failed(String db, ReplyError error) {
    return error.code().startsWith("SQLITE_READONLY") ? new ReadOnlyQueryException(db, error)
        : new QueryFailedException(db, error);
  }
}
