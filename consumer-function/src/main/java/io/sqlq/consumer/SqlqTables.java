package io.sqlq.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * sqlq's own tables inside every database file.
 *
 * <ul>
 *   <li>{@code _sqlq_applied(id, reply, applied_at_ms)}: one row per applied request id with
 *       the exact reply it got, written in the same transaction as the request's effect. A
 *       request whose id is here is answered from here and not applied again (redelivery,
 *       replay from the dead-letter queue, duplicate sends). Rows older than the retention
 *       are pruned, a bounded number per batch, in the batch's own transaction
 *       ({@link #pruneApplied}); the index {@code _sqlq_applied_at} makes finding them cheap.
 *   <li>{@code _sqlq_meta(key, value)}: the database version ({@code key = 'version'}), one
 *       step per published batch.
 * </ul>
 */
final class SqlqTables implements AutoCloseable {
  private static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS _sqlq_applied (
        id TEXT PRIMARY KEY NOT NULL,
        reply TEXT NOT NULL,
        applied_at_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS _sqlq_applied_at ON _sqlq_applied(applied_at_ms);
      CREATE TABLE IF NOT EXISTS _sqlq_meta (
        key TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      """;

  private final PreparedStatement findReply;
  private final PreparedStatement insertReply;
  private final PreparedStatement pruneApplied;
  private final PreparedStatement readVersion;
  private final PreparedStatement writeVersion;

  /** Creates the tables when missing and prepares the statements on {@code connection}. */
  SqlqTables(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String ddl : SCHEMA.split(";")) {
        if (!ddl.isBlank()) {
          s.execute(ddl);
        }
      }
    }
    findReply = connection.prepareStatement("SELECT reply FROM _sqlq_applied WHERE id = ?");
    insertReply = connection.prepareStatement(
        "INSERT INTO _sqlq_applied(id, reply, applied_at_ms) VALUES (?, ?, ?)");
    pruneApplied = connection.prepareStatement("DELETE FROM _sqlq_applied WHERE id IN"
        + " (SELECT id FROM _sqlq_applied WHERE applied_at_ms < ? ORDER BY applied_at_ms LIMIT ?)");
    readVersion = connection.prepareStatement("SELECT value FROM _sqlq_meta WHERE key = 'version'");
    writeVersion = connection.prepareStatement(
        "INSERT INTO _sqlq_meta(key, value) VALUES ('version', ?)"
            + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }

  /** The stored reply of request {@code id}, if it was applied before. */
  Optional<String> storedReply(String id) throws SQLException {
    findReply.setString(1, id);
    try (ResultSet rs = findReply.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /** Records that request {@code id} was answered with {@code reply}. */
  void recordReply(String id, String reply, long appliedAtMs) throws SQLException {
    insertReply.setString(1, id);
    insertReply.setString(2, reply);
    insertReply.setLong(3, appliedAtMs);
    insertReply.executeUpdate();
  }

  /**
   * Deletes up to {@code limit} rows of {@code _sqlq_applied} applied before {@code beforeMs}
   * (epoch ms), oldest first.
   *
   * @return the number of rows deleted
   */
  int pruneApplied(long beforeMs, int limit) throws SQLException {
    pruneApplied.setLong(1, beforeMs);
    pruneApplied.setInt(2, limit);
    return pruneApplied.executeUpdate();
  }

  /** The database version, 0 for a database sqlq never wrote. */
  long version() throws SQLException {
    try (ResultSet rs = readVersion.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  void setVersion(long version) throws SQLException {
    writeVersion.setLong(1, version);
    writeVersion.executeUpdate();
  }

  @Override
  public void close() throws SQLException {
    findReply.close();
    insertReply.close();
    pruneApplied.close();
    readVersion.close();
    writeVersion.close();
  }
}
