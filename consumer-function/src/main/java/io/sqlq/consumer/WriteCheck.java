package io.sqlq.consumer;

import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Whether a request that ran wrote the database (DESIGN.md, "Exactly-once state", read-only).
 * A read-only request is neither recorded nor, alone, published.
 *
 * <p>The fast test is SQLite's {@code total_changes()} (sqlite.org/c3ref/total_changes.html):
 * when it moved over the request, the request wrote. When it did not, the request may still have
 * written what that counter does not count (DDL, {@code PRAGMA user_version = 1}, {@code ANALYZE}
 * of a table already analysed) or may be a write that matched no row, which must be recorded all
 * the same (run again later it might change something). So each of its statements is then
 * compiled under {@code EXPLAIN}: a program that opens a write transaction ({@code Transaction}
 * with P2 != 0; sqlite.org/opcode.html#Transaction) is a write. This is the rule of
 * {@code sqlite3_stmt_readonly()} (sqlite.org/c3ref/stmt_readonly.html), which sqlite-jdbc does not
 * expose. A statement that cannot be explained counts as a write. Not thread-safe: one per
 * connection and batch.
 */
final class WriteCheck implements AutoCloseable {
  private final Connection connection;
  private final PreparedStatement totalChanges;

  WriteCheck(Connection connection) throws SQLException {
    this.connection = connection;
    this.totalChanges = connection.prepareStatement("SELECT total_changes()");
  }

  /** SQLite's count of rows changed on this connection so far; read before a request runs. */
  long totalChanges() throws SQLException {
    try (ResultSet rs = totalChanges.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Whether {@code request}, which ran after {@link #totalChanges()} returned
   * {@code totalChangesBefore}, wrote or would have written the database.
   */
  boolean wrote(Request request, long totalChangesBefore) throws SQLException {
    if (totalChanges() != totalChangesBefore) {
      return true;
    }
    for (Statement statement : request.statements()) {
      if (opensWriteTransaction(statement.sql())) {
        return true;
      }
    }
    return false;
  }

  private boolean opensWriteTransaction(String sql) {
    try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
      int parameters = explain.getParameterMetaData().getParameterCount();
      for (int i = 1; i <= parameters; i++) {
        explain.setNull(i, Types.NULL);
      }
      try (ResultSet program = explain.executeQuery()) {
        while (program.next()) {
          if ("Transaction".equals(program.getString("opcode")) && program.getInt("p2") != 0) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      return true;
    }
  }

  @Override
  public void close() throws SQLException {
    totalChanges.close();
  }
}
