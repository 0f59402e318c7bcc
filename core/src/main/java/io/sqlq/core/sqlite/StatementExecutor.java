package io.sqlq.core.sqlite;

import io.sqlq.core.protocol.Params;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.sql.NamedParameters;
import io.sqlq.core.sql.RefusedConstructs;
import io.sqlq.core.sql.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Runs one statement of a request on an open SQLite connection and reads its result. Refuses,
 * before SQLite sees them, the constructs that would break the batch's own transaction or
 * silently drop SQL (transaction control, more than one statement in {@code sql}) and those that
 * reach outside the database ({@link RefusedConstructs}). Each statement runs under the
 * {@link StatementBudget}, and reading its rows stops once they pass the reply size limit.
 *
 * <p>The consumer runs it on a batch's working copy ({@code BatchApplier}); the SDK runs it on a
 * read-only snapshot ({@link HardenedSqlite#openReadOnly}), where SQLite itself refuses any
 * write with {@code SQLITE_READONLY}.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class StatementExecutor implements AutoCloseable {
  /** Statements that would end or nest sqlq's transaction (sqlite.org/lang_transaction.html). */
  private static final Set<String> TRANSACTION_CONTROL =
      Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");

  /**
   * Result codes after which SQLite may have rolled back the whole transaction, or which say
   * the file is damaged (sqlite.org/lang_transaction.html, "Response To Errors Within A
   * Transaction"; sqlite.org/rescode.html).
   */
  private static final Set<SQLiteErrorCode> FATAL = EnumSet.of(
      SQLiteErrorCode.SQLITE_FULL, SQLiteErrorCode.SQLITE_IOERR, SQLiteErrorCode.SQLITE_NOMEM,
      SQLiteErrorCode.SQLITE_BUSY, SQLiteErrorCode.SQLITE_CORRUPT, SQLiteErrorCode.SQLITE_NOTADB,
      SQLiteErrorCode.SQLITE_CANTOPEN);

  private final Connection connection;
  private final StatementBudget budget;
  private final int maxResultBytes;
  private final PreparedStatement counters;

  /**
   * @param maxResultBytes the most bytes of rows one statement may return (counted as
   *     {@link #valueBytes}); more is answered {@link ReplyError#REPLY_TOO_LARGE}
   * @throws SQLException when the connection cannot prepare sqlq's counter query
   */
  public StatementExecutor(Connection connection, StatementBudget budget, int maxResultBytes) throws SQLException {
    this.connection = connection;
    this.budget = budget;
    this.maxResultBytes = maxResultBytes;
    this.counters = connection.prepareStatement("SELECT total_changes(), changes(), last_insert_rowid()");
  }

  /**
   * Runs {@code statement}.
   *
   * @param index the statement's position in its request, for the error
   * @throws StatementFailedException for an error that is the request's own (SQL error,
   *     refused construct, parameter mismatch): the caller rolls back the request's savepoint
   * @throws SQLException for a failure that may have ended the transaction (see {@link #isFatal})
   */
  public StatementResult execute(Statement statement, int index) throws StatementFailedException, SQLException {
    String sql = statement.sql();
    List<Object> values;
    refuseUnsafe(sql, index);
    switch (statement.params()) {
      case Params.Positional p -> values = p.values();
      case Params.Named n -> {
        try {
          var positional = NamedParameters.toPositional(sql, n.values());
          sql = positional.sql();
          values = positional.values();
        } catch (RuntimeException e) {
          throw failed(ReplyError.BAD_PARAMETER, e.getMessage(), index);
        }
      }
    }
    String prepared = sql;
    try {
      return budget.run(connection, () -> run(prepared, values, index));
    } catch (SQLException e) {
      if (isFatal(e)) {
        throw e;
      }
      if (e instanceof SQLiteException s && primary(s.getResultCode()) == SQLiteErrorCode.SQLITE_INTERRUPT) {
        throw failed(ReplyError.STATEMENT_TIMEOUT, "the statement ran longer than its budget of "
            + budget.perStatement().toMillis() + " ms and was interrupted", index);
      }
      throw failed(errorCode(e), errorMessage(e), index);
    }
  }

  private StatementResult run(String sql, List<Object> values, int index) throws SQLException, StatementFailedException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int expected = ps.getParameterMetaData().getParameterCount();
      if (expected != values.size()) {
        throw failed(ReplyError.BAD_PARAMETER, "statement has " + expected + " parameters but "
            + values.size() + " values were given", index);
      }
      for (int i = 0; i < values.size(); i++) {
        bind(ps, i + 1, values.get(i));
      }
      // changes() keeps the count of the last INSERT, UPDATE or DELETE across DDL, so it is only
      // this statement's count when total_changes() moved (sqlite.org/c3ref/changes.html).
      long totalBefore = readCounters()[0];
      boolean hasRows = ps.execute();
      StatementResult rows = hasRows ? readRows(ps.getResultSet(), index) : null;
      long[] after = readCounters();
      boolean changed = after[0] != totalBefore;
      if (rows == null) {
        return StatementResult.changes(changed ? after[1] : 0, after[2]);
      }
      // A query reports no rowid; INSERT/UPDATE/DELETE ... RETURNING reports rows and changes.
      return changed ? new StatementResult(rows.columns(), rows.rows(), after[1], after[2]) : rows;
    }
  }

  /** Whether {@code e} may have ended the enclosing transaction or says the file is damaged. */
  public static boolean isFatal(SQLException e) {
    return e instanceof SQLiteException s && FATAL.contains(primary(s.getResultCode()));
  }

  private static void refuseUnsafe(String sql, int index) throws StatementFailedException {
    Optional<RefusedConstructs.Refusal> refusal = RefusedConstructs.check(sql);
    if (refusal.isPresent() && Set.of(ReplyError.UNTERMINATED, ReplyError.NUL_CHARACTER).contains(refusal.get().code())) {
      throw failed(refusal.get().code(), refusal.get().message(), index);
    }
    List<String> parts = SqlScript.split(sql);
    if (parts.isEmpty()) {
      // SQLite prepares no statement from it, and sqlite-jdbc then fails when the connection closes.
      throw failed(ReplyError.EMPTY_STATEMENT, "sql holds no statement, only whitespace and comments", index);
    }
    if (parts.size() > 1) {
      throw failed(ReplyError.MULTIPLE_STATEMENTS, "sql holds " + parts.size()
          + " statements; send one per sql, or several as 'statements' for one transaction", index);
    }
    String keyword = SqlScript.leadingKeyword(sql);
    if (TRANSACTION_CONTROL.contains(keyword)) {
      throw failed(ReplyError.TRANSACTION_CONTROL, keyword
          + " is refused: sqlq runs every request in its own savepoint; send several statements as"
          + " 'statements' to apply them atomically", index);
    }
    if (refusal.isPresent()) {
      throw failed(refusal.get().code(), refusal.get().message(), index);
    }
  }

  private static void bind(PreparedStatement ps, int position, Object value) throws SQLException {
    switch (value) {
      case null -> ps.setNull(position, Types.NULL);
      case Boolean b -> ps.setLong(position, b ? 1 : 0);
      case Long l -> ps.setLong(position, l);
      case Double d -> ps.setDouble(position, d);
      case String s -> ps.setString(position, s);
      case byte[] bytes -> ps.setBytes(position, bytes);
      default -> throw new IllegalStateException("unnormalised parameter " + value.getClass());
    }
  }

  private StatementResult readRows(ResultSet rs, int index) throws SQLException, StatementFailedException {
    long bytes = 0;
    try (rs) {
      ResultSetMetaData meta = rs.getMetaData();
      int n = meta.getColumnCount();
      List<String> columns = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        columns.add(meta.getColumnLabel(i));
      }
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          Object value = switch (rs.getObject(i)) {
            case Integer v -> v.longValue();
            case null -> null;
            case Object v -> v;
          };
          bytes += valueBytes(value);
          row.add(value);
        }
        if (bytes > maxResultBytes) {
          throw failed(ReplyError.REPLY_TOO_LARGE, "the rows take more than the " + maxResultBytes
              + " bytes a reply may take; select fewer rows or columns", index);
        }
        rows.add(row);
      }
      return new StatementResult(columns, rows, 0, null);
    }
  }

  /** A lower bound of a value's size in a reply: its characters or bytes, or 4 for anything else. */
  private static long valueBytes(Object value) {
    return switch (value) {
      case String s -> s.length();
      case byte[] b -> b.length;
      case null, default -> 4;
    };
  }

  private long[] readCounters() throws SQLException {
    try (ResultSet rs = counters.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  private static String errorCode(SQLException e) {
    return e instanceof SQLiteException s ? s.getResultCode().name() : "SQLITE_ERROR";
  }

  /** SQLite's message without sqlite-jdbc's "[CODE] " prefix. */
  private static String errorMessage(SQLException e) {
    String message = String.valueOf(e.getMessage());
    return message.startsWith("[") && message.indexOf("] ") > 0
        ? message.substring(message.indexOf("] ") + 2) : message;
  }

  private static SQLiteErrorCode primary(SQLiteErrorCode code) {
    return SQLiteErrorCode.getErrorCode(code.code & 0xff);
  }

  private static StatementFailedException failed(String code, String message, int index) {
    return new StatementFailedException(new ReplyError(code, message, index));
  }

  @Override
  public void close() throws SQLException {
    counters.close();
  }
}
