package io.sqlq.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * sqlq's own tables inside every database file: the exactly-once state and the version
 * (DESIGN.md, "Exactly-once state"). Everything is read and written in the batch's own
 * transaction, so it is published exactly when the effects are.
 *
 * <ul>
 *   <li>{@code _sqlq_producers(producer, last_seq, version, applied_at_ms)} and
 *       {@code _sqlq_skipped(producer, first_seq, last_seq, skipped_at_ms)}: per producer, its
 *       {@link ProducerState};
 *   <li>{@code _sqlq_last_replies(id, reply)}: the encoded replies of the last batch that
 *       published; an empty reply marks a read-only request (run it again);
 *   <li>{@code _sqlq_requests(id, version, outcome, applied_at_ms)}: a compact row per request
 *       without a producer id that wrote or failed, in rowid (applied) order;
 *   <li>{@code _sqlq_meta(key, value)}: the database version ({@code key = 'version'}).
 * </ul>
 *
 * <p>A database still holding the old {@code _sqlq_applied(id, reply, applied_at_ms)} (a
 * stored reply per request) is converted when the tables are opened ({@link #migrated()}).
 */
final class SqlqTables implements AutoCloseable {
  /** Ids looked up by one query: well below SQLite's 32,766 parameters. */
  static final int IDS_PER_LOOKUP = 500;

  /** The {@code outcome} of a request whose reply was OK; otherwise the reply's error code. */
  static final String OK = "OK";

  private static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS _sqlq_producers (
        producer TEXT PRIMARY KEY NOT NULL,
        last_seq INTEGER NOT NULL,
        version INTEGER NOT NULL,
        applied_at_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS _sqlq_producers_at ON _sqlq_producers(applied_at_ms);
      CREATE TABLE IF NOT EXISTS _sqlq_skipped (
        producer TEXT NOT NULL,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        skipped_at_ms INTEGER NOT NULL,
        PRIMARY KEY (producer, first_seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS _sqlq_last_replies (
        id TEXT PRIMARY KEY NOT NULL,
        reply TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS _sqlq_requests (
        id TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        applied_at_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS _sqlq_meta (
        key TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      """;

  /**
   * The conversion of the old table: compact rows in applied order, the old last batch (the
   * replies of the current version) whole, then the old table and its index dropped.
   */
  private static final String MIGRATION = """
      INSERT OR IGNORE INTO _sqlq_last_replies(id, reply)
        SELECT id, reply FROM _sqlq_applied
        WHERE json_extract(reply, '$.dbVersion') = (SELECT value FROM _sqlq_meta WHERE key = 'version');
      INSERT OR IGNORE INTO _sqlq_requests(id, version, outcome, applied_at_ms)
        SELECT id, coalesce(json_extract(reply, '$.dbVersion'), 0),
               coalesce(json_extract(reply, '$.error.code'), 'OK'), applied_at_ms
        FROM _sqlq_applied ORDER BY applied_at_ms;
      DROP TABLE _sqlq_applied;
      """;

  /**
   * A request without a producer id that was recorded.
   *
   * @param version the version of the batch that applied it
   * @param outcome {@link #OK} or the error code of its reply
   * @param appliedAtMs when (epoch ms)
   */
  record RequestRecord(long version, String outcome, long appliedAtMs) {}

  private final Connection connection;
  private final boolean migrated;
  private final PreparedStatement readProducer;
  private final PreparedStatement readSkipped;
  private final PreparedStatement writeProducer;
  private final PreparedStatement clearSkipped;
  private final PreparedStatement insertSkipped;
  private final PreparedStatement clearLastReplies;
  private final PreparedStatement insertLastReply;
  private final PreparedStatement insertRequest;
  private final PreparedStatement pruneRequests;
  private final PreparedStatement pruneProducers;
  private final PreparedStatement pruneSkipped;
  private final PreparedStatement readVersion;
  private final PreparedStatement writeVersion;

  /**
   * Creates the tables when missing, converts an old {@code _sqlq_applied}, and prepares the
   * statements on {@code connection}, which should be inside the batch's transaction.
   */
  SqlqTables(Connection connection) throws SQLException {
    this.connection = connection;
    try (Statement s = connection.createStatement()) {
      run(s, SCHEMA);
      try (ResultSet rs = s.executeQuery(
          "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_sqlq_applied'")) {
        migrated = rs.next();
      }
      if (migrated) {
        run(s, MIGRATION);
      }
    }
    readProducer = connection.prepareStatement(
        "SELECT last_seq, version, applied_at_ms FROM _sqlq_producers WHERE producer = ?");
    readSkipped = connection.prepareStatement(
        "SELECT first_seq, last_seq, skipped_at_ms FROM _sqlq_skipped WHERE producer = ? ORDER BY first_seq");
    writeProducer = connection.prepareStatement(
        "INSERT INTO _sqlq_producers(producer, last_seq, version, applied_at_ms) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT(producer) DO UPDATE SET last_seq = excluded.last_seq, version = excluded.version,"
            + " applied_at_ms = excluded.applied_at_ms");
    clearSkipped = connection.prepareStatement("DELETE FROM _sqlq_skipped WHERE producer = ?");
    insertSkipped = connection.prepareStatement(
        "INSERT INTO _sqlq_skipped(producer, first_seq, last_seq, skipped_at_ms) VALUES (?, ?, ?, ?)");
    clearLastReplies = connection.prepareStatement("DELETE FROM _sqlq_last_replies");
    insertLastReply = connection.prepareStatement("INSERT INTO _sqlq_last_replies(id, reply) VALUES (?, ?)");
    insertRequest = connection.prepareStatement(
        "INSERT INTO _sqlq_requests(id, version, outcome, applied_at_ms) VALUES (?, ?, ?, ?)");
    // Only the oldest rows (rowid order is applied order) are looked at, so a table of young rows
    // is not scanned whole by every batch.
    pruneRequests = connection.prepareStatement("DELETE FROM _sqlq_requests WHERE rowid IN (SELECT rowid FROM"
        + " (SELECT rowid, applied_at_ms FROM _sqlq_requests ORDER BY rowid LIMIT ?) WHERE applied_at_ms < ?)");
    pruneProducers = connection.prepareStatement("DELETE FROM _sqlq_producers WHERE producer IN (SELECT producer"
        + " FROM _sqlq_producers WHERE applied_at_ms < ? ORDER BY applied_at_ms LIMIT ?)");
    pruneSkipped = connection.prepareStatement("DELETE FROM _sqlq_skipped WHERE skipped_at_ms < ?");
    readVersion = connection.prepareStatement("SELECT value FROM _sqlq_meta WHERE key = 'version'");
    writeVersion = connection.prepareStatement(
        "INSERT INTO _sqlq_meta(key, value) VALUES ('version', ?)"
            + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }

  private static void run(Statement s, String script) throws SQLException {
    for (String sql : script.split(";")) {
      if (!sql.isBlank()) {
        s.execute(sql);
      }
    }
  }

  /** Whether opening converted an old {@code _sqlq_applied} table: the batch must publish. */
  boolean migrated() {
    return migrated;
  }

  /** The state of {@code producer}, {@link ProducerState#unseen} when it has none. */
  ProducerState producer(String producer) throws SQLException {
    List<ProducerState.Range> skipped = new ArrayList<>();
    readSkipped.setString(1, producer);
    try (ResultSet rs = readSkipped.executeQuery()) {
      while (rs.next()) {
        skipped.add(new ProducerState.Range(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    readProducer.setString(1, producer);
    try (ResultSet rs = readProducer.executeQuery()) {
      return rs.next() ? new ProducerState(producer, rs.getLong(1), rs.getLong(2), rs.getLong(3), skipped)
          : new ProducerState(producer, 0, 0, 0, skipped);
    }
  }

  /** Stores {@code state} in place of what was stored of its producer. */
  void saveProducer(ProducerState state) throws SQLException {
    writeProducer.setString(1, state.producer());
    writeProducer.setLong(2, state.lastSeq());
    writeProducer.setLong(3, state.version());
    writeProducer.setLong(4, state.appliedAtMs());
    writeProducer.executeUpdate();
    clearSkipped.setString(1, state.producer());
    clearSkipped.executeUpdate();
    for (ProducerState.Range range : state.skipped()) {
      insertSkipped.setString(1, state.producer());
      insertSkipped.setLong(2, range.first());
      insertSkipped.setLong(3, range.last());
      insertSkipped.setLong(4, range.skippedAtMs());
      insertSkipped.executeUpdate();
    }
  }

  /**
   * The last published batch's replies of those of {@code ids} it answered, by id ("" for a
   * read-only request), in a few queries of up to {@value #IDS_PER_LOOKUP} ids.
   *
   * @return a mutable map, empty when none of them was in the last batch
   */
  Map<String, String> lastReplies(List<String> ids) throws SQLException {
    Map<String, String> replies = new HashMap<>();
    lookUp("SELECT id, reply FROM _sqlq_last_replies WHERE id IN ", ids,
        rs -> replies.put(rs.getString(1), rs.getString(2)));
    return replies;
  }

  /** The records of those of {@code ids} (requests without a producer id) recorded before, by id. */
  Map<String, RequestRecord> requestRecords(List<String> ids) throws SQLException {
    Map<String, RequestRecord> records = new HashMap<>();
    lookUp("SELECT id, version, outcome, applied_at_ms FROM _sqlq_requests WHERE id IN ", ids,
        rs -> records.put(rs.getString(1), new RequestRecord(rs.getLong(2), rs.getString(3), rs.getLong(4))));
    return records;
  }

  @FunctionalInterface
  private interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  private void lookUp(String query, List<String> ids, Row row) throws SQLException {
    List<String> distinct = List.copyOf(new LinkedHashSet<>(ids));
    for (int from = 0; from < distinct.size(); from += IDS_PER_LOOKUP) {
      List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + IDS_PER_LOOKUP));
      try (PreparedStatement ps = connection.prepareStatement(
          query + "(" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            row.read(rs);
          }
        }
      }
    }
  }

  /** Makes {@code replies} (id to encoded reply, "" for a read-only request) the last batch's. */
  void replaceLastReplies(Map<String, String> replies) throws SQLException {
    clearLastReplies.executeUpdate();
    for (Map.Entry<String, String> reply : replies.entrySet()) {
      insertLastReply.setString(1, reply.getKey());
      insertLastReply.setString(2, reply.getValue());
      insertLastReply.executeUpdate();
    }
  }

  /** Records request {@code id}, which came without a producer id. */
  void recordRequest(String id, RequestRecord record) throws SQLException {
    insertRequest.setString(1, id);
    insertRequest.setLong(2, record.version());
    insertRequest.setString(3, record.outcome());
    insertRequest.setLong(4, record.appliedAtMs());
    insertRequest.executeUpdate();
  }

  /**
   * Deletes state older than {@code beforeMs} (epoch ms): of the {@code limit} oldest request
   * records those applied before it, up to {@code limit} producers last applied before it, and
   * every skipped range recorded before it.
   */
  void prune(long beforeMs, int limit) throws SQLException {
    pruneRequests.setInt(1, limit);
    pruneRequests.setLong(2, beforeMs);
    pruneRequests.executeUpdate();
    pruneProducers.setLong(1, beforeMs);
    pruneProducers.setInt(2, limit);
    pruneProducers.executeUpdate();
    pruneSkipped.setLong(1, beforeMs);
    pruneSkipped.executeUpdate();
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
    for (PreparedStatement ps : List.of(readProducer, readSkipped, writeProducer, clearSkipped, insertSkipped,
        clearLastReplies, insertLastReply, insertRequest, pruneRequests, pruneProducers, pruneSkipped,
        readVersion, writeVersion)) {
      ps.close();
    }
  }
}
