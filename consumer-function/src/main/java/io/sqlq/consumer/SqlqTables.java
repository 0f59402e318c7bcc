package io.sqlq.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

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
  /** Ids looked up by one query of {@link #storedReplies}: well below SQLite's 32,766 parameters. */
  static final int IDS_PER_LOOKUP = 500;

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

  private final Connection connection;
  /** The lookup of {@value #IDS_PER_LOOKUP} ids, prepared when a batch first needs it. */
  private PreparedStatement findReplies;
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
    this.connection = connection;
    insertReply = connection.prepareStatement(
        "INSERT INTO _sqlq_applied(id, reply, applied_at_ms) VALUES (?, ?, ?)");
    pruneApplied = connection.prepareStatement("DELETE FROM _sqlq_applied WHERE id IN"
        + " (SELECT id FROM _sqlq_applied WHERE applied_at_ms < ? ORDER BY applied_at_ms LIMIT ?)");
    readVersion = connection.prepareStatement("SELECT value FROM _sqlq_meta WHERE key = 'version'");
    writeVersion = connection.prepareStatement(
        "INSERT INTO _sqlq_meta(key, value) VALUES ('version', ?)"
            + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }

  /**
   * The stored replies of those of {@code ids} that were applied before, by id: one query per
   * {@value #IDS_PER_LOOKUP} ids, not one per id (the query of a full chunk is prepared once per
   * batch, that of the last, shorter one each time).
   *
   * @return a mutable map, empty when none was applied before
   */
  Map<String, String> storedReplies(List<String> ids) throws SQLException {
    Map<String, String> replies = new HashMap<>();
    List<String> distinct = List.copyOf(new LinkedHashSet<>(ids));
    for (int from = 0; from < distinct.size(); from += IDS_PER_LOOKUP) {
      List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + IDS_PER_LOOKUP));
      boolean full = chunk.size() == IDS_PER_LOOKUP;
      if (full && findReplies == null) {
        findReplies = findRepliesOf(IDS_PER_LOOKUP);
      }
      try (PreparedStatement own = full ? null : findRepliesOf(chunk.size())) {
        PreparedStatement query = full ? findReplies : own;
        for (int i = 0; i < chunk.size(); i++) {
          query.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            replies.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return replies;
  }

  private PreparedStatement findRepliesOf(int ids) throws SQLException {
    return connection.prepareStatement("SELECT id, reply FROM _sqlq_applied WHERE id IN ("
        + String.join(", ", Collections.nCopies(ids, "?")) + ")");
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
    if (findReplies != null) {
      findReplies.close();
    }
    insertReply.close();
    pruneApplied.close();
    readVersion.close();
    writeVersion.close();
  }
}
