package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Sequence;
import io.sqlq.core.protocol.Statement;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exactly-once state (DESIGN.md, "Exactly-once state") as {@link BatchApplier} keeps it. */
class ExactlyOnceStateTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final String P = "3f1c2a9e-0000-4000-8000-000000000001";
  private BatchApplier applier = at(NOW);
  private Connection connection;

  @BeforeEach
  void open(@TempDir Path dir) throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("main.sqlite"));
    applier.apply(connection, List.of(console("setup", "CREATE TABLE t(n INTEGER PRIMARY KEY)")));
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void requestsInOrderKeepOneRowForTheirProducerAndNoneEach() throws SQLException {
    applier.apply(connection, List.of(insert(1), insert(2)));
    applier.apply(connection, List.of(insert(3)));

    assertThat(query("SELECT last_seq || ',' || version FROM _sqlq_producers WHERE producer = '" + P + "'"))
        .isEqualTo("3,3");
    assertThat(query("SELECT count(*) FROM _sqlq_skipped")).isEqualTo("0");
    assertThat(query("SELECT count(*) FROM _sqlq_requests")).as("only the setup, sent without a producer").isEqualTo("1");
    assertThat(query("SELECT group_concat(n) FROM t")).isEqualTo("1,2,3");
  }

  @Test
  void aGapIsSkipped_aReplayOfASkippedRequestIsAppliedOnce_andItsSecondReplayIsAlreadyApplied() throws SQLException {
    applier.apply(connection, List.of(insert(1), insert(4)));
    assertThat(query("SELECT first_seq || '-' || last_seq FROM _sqlq_skipped")).isEqualTo("2-3");

    AppliedBatch replay = applier.apply(connection, List.of(insert(2)));
    applier.apply(connection, List.of(insert(5)));
    AppliedBatch again = applier.apply(connection, List.of(insert(2)));

    assertThat(replay.requests().get(0).reply().ok()).isTrue();
    assertThat(query("SELECT first_seq || '-' || last_seq FROM _sqlq_skipped")).isEqualTo("3-3");
    assertThat(again.requests().get(0).reply().error().code()).isEqualTo(ReplyError.ALREADY_APPLIED);
    assertThat(query("SELECT group_concat(n) FROM (SELECT n FROM t ORDER BY n)")).isEqualTo("1,2,4,5");
  }

  @Test
  void aRedeliveryOfTheLastBatchIsAnsweredWithItsOwnRepliesByteForByte() throws SQLException {
    applier.apply(connection, List.of(insert(1)));
    AppliedBatch last = applier.apply(connection, List.of(insert(2), insert(3)));

    AppliedBatch redelivered = applier.apply(connection, List.of(insert(2), insert(3), insert(4)));

    assertThat(redelivered.requests().subList(0, 2)).extracting(AppliedRequest::encodedReply)
        .containsExactlyElementsOf(last.requests().stream().map(AppliedRequest::encodedReply).toList());
    assertThat(redelivered.requests().get(2).reply().ok()).isTrue();
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("4");
    // The redelivered requests were part of the batch that published, so they are still answered.
    AppliedBatch thirdTime = applier.apply(connection, List.of(insert(3)));
    assertThat(thirdTime.requests().get(0).encodedReply()).isEqualTo(last.requests().get(1).encodedReply());
  }

  @Test
  void anOlderDuplicateIsAnsweredAlreadyAppliedAtItsProducersVersionAndNotApplied() throws SQLException {
    applier.apply(connection, List.of(insert(1)));
    AppliedBatch second = applier.apply(connection, List.of(insert(2)));

    AppliedBatch duplicate = applier.apply(connection, List.of(insert(1)));

    Reply reply = duplicate.requests().get(0).reply();
    assertThat(reply.error().code()).isEqualTo(ReplyError.ALREADY_APPLIED);
    assertThat(reply.error().message()).contains("sequence 1", "at or before version " + second.version());
    assertThat(reply.dbVersion()).isEqualTo(second.version());
    assertThat(duplicate.changed()).as("a batch of duplicates publishes nothing").isFalse();
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("2");
  }

  @Test
  void aConsoleRequestIsDeduplicatedByItsCompactRecordAfterItLeftTheLastBatch() throws SQLException {
    AppliedBatch first = applier.apply(connection, List.of(console("msg-1", "INSERT INTO t VALUES (7)")));
    applier.apply(connection, List.of(console("msg-2", "INSERT INTO t VALUES (8)")));

    AppliedBatch replayed = applier.apply(connection, List.of(console("msg-1", "INSERT INTO t VALUES (7)")));

    Reply reply = replayed.requests().get(0).reply();
    assertThat(reply.error().code()).isEqualTo(ReplyError.ALREADY_APPLIED);
    assertThat(reply.error().message()).contains("at version " + first.version(), "outcome OK");
    assertThat(query("SELECT version || ',' || outcome FROM _sqlq_requests WHERE id = 'msg-1'"))
        .isEqualTo(first.version() + ",OK");
    assertThat(query("SELECT count(*) FROM t WHERE n = 7")).isEqualTo("1");
  }

  @Test
  void aBatchOfReadsCommitsNothing_keepsTheVersion_andAnswersAtTheVersionItRead() throws SQLException {
    AppliedBatch write = applier.apply(connection, List.of(insert(1)));

    AppliedBatch reads = applier.apply(connection, List.of(select(2, "SELECT count(*) FROM t"),
        console("look", "SELECT n FROM t")));

    assertThat(reads.changed()).isFalse();
    assertThat(reads.version()).isEqualTo(write.version());
    assertThat(reads.requests()).extracting(a -> a.reply().dbVersion()).containsOnly(write.version());
    assertThat(reads.requests().get(0).reply().results().get(0).rows()).containsExactly(List.of(1L));
    assertThat(query("SELECT value FROM _sqlq_meta WHERE key = 'version'")).isEqualTo(String.valueOf(write.version()));
    assertThat(query("SELECT count(*) FROM _sqlq_requests WHERE id = 'look'")).isEqualTo("0");
    assertThat(query("SELECT last_seq FROM _sqlq_producers")).isEqualTo("1");
  }

  @Test
  void aReadInABatchThatWritesAdvancesItsProducerAndKeepsOnlyItsIdAmongTheLastReplies() throws SQLException {
    applier.apply(connection, List.of(insert(1), select(2, "SELECT count(*) FROM t")));

    assertThat(query("SELECT last_seq FROM _sqlq_producers")).isEqualTo("2");
    assertThat(query("SELECT length(reply) FROM _sqlq_last_replies WHERE id = 'r2'")).isEqualTo("0");
    AppliedBatch redelivered = applier.apply(connection, List.of(select(2, "SELECT count(*) FROM t")));
    assertThat(redelivered.requests().get(0).reply().results().get(0).rows())
        .as("a read-only request of the last batch runs again").containsExactly(List.of(1L));
  }

  @Test
  void writesThatChangeNoRowStillCount_anEmptyUpdate_ddl_aPragmaWrite_andASecondAnalyze() throws SQLException {
    List<String> writes = List.of("UPDATE t SET n = n + 1 WHERE n < 0", "CREATE INDEX t_n ON t(n)",
        "PRAGMA user_version = 5", "ANALYZE", "ANALYZE");
    for (int i = 0; i < writes.size(); i++) {
      AppliedBatch batch = applier.apply(connection, List.of(console("w-" + i, writes.get(i))));

      assertThat(batch.changed()).as(writes.get(i)).isTrue();
      assertThat(query("SELECT count(*) FROM _sqlq_requests WHERE id = 'w-" + i + "'")).isEqualTo("1");
    }
  }

  @Test
  void aProducerAndItsSkippedRangesExpireAfterTheRetention() throws SQLException {
    applier.apply(connection, List.of(insert(3)));
    applier = at(NOW.plus(SqlqConfig.DEFAULT_APPLIED_RETENTION).plusSeconds(1));

    applier.apply(connection, List.of(console("later", "INSERT INTO t VALUES (100)")));

    assertThat(query("SELECT count(*) FROM _sqlq_producers")).isEqualTo("0");
    assertThat(query("SELECT count(*) FROM _sqlq_skipped")).isEqualTo("0");
  }

  @Test
  void anOldAppliedTableIsConvertedAndItsRequestsAreStillRecognised() throws SQLException {
    try (var s = connection.createStatement()) {
      s.execute("DROP TABLE _sqlq_requests");
      s.execute("DROP TABLE _sqlq_last_replies");
      s.execute("CREATE TABLE _sqlq_applied (id TEXT PRIMARY KEY NOT NULL, reply TEXT NOT NULL,"
          + " applied_at_ms INTEGER NOT NULL) WITHOUT ROWID");
      s.execute("CREATE INDEX _sqlq_applied_at ON _sqlq_applied(applied_at_ms)");
      s.execute("UPDATE _sqlq_meta SET value = 9 WHERE key = 'version'");
      s.execute("INSERT INTO _sqlq_applied VALUES ('old', '{\"v\":1,\"id\":\"old\",\"db\":\"main\",\"status\":\"ERROR\","
          + "\"error\":{\"code\":\"SQLITE_CONSTRAINT\",\"message\":\"x\"},\"dbVersion\":8,"
          + "\"appliedAt\":\"2026-11-21T11:00:00Z\"}', 1)");
      s.execute("INSERT INTO _sqlq_applied VALUES ('last', '{\"v\":1,\"id\":\"last\",\"db\":\"main\",\"status\":\"OK\","
          + "\"results\":[{\"rowsAffected\":1,\"lastInsertRowid\":3}],\"dbVersion\":9,"
          + "\"appliedAt\":\"2026-11-21T11:30:00Z\"}', 2)");
    }

    AppliedBatch batch = applier.apply(connection, List.of(console("last", "INSERT INTO t VALUES (3)"),
        console("old", "INSERT INTO t VALUES (1)")));

    assertThat(batch.changed()).as("the conversion is published").isTrue();
    assertThat(batch.requests().get(0).reply().results().get(0).lastInsertRowid()).isEqualTo(3L);
    assertThat(batch.requests().get(1).reply().error().message()).contains("at version 8", "outcome SQLITE_CONSTRAINT");
    assertThat(query("SELECT count(*) FROM sqlite_schema WHERE name LIKE '_sqlq_applied%'")).isEqualTo("0");
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("0");
  }

  private static BatchApplier at(Instant instant) {
    return new BatchApplier(new BatchApplier.Settings(SqlqConfig.DEFAULT_STATEMENT_TIMEOUT,
        new ReplyQueues(TestStack.REPLIES), SqlqConfig.DEFAULT_APPLIED_RETENTION, MessageLimits.MAX_BODY_BYTES),
        Clock.fixed(instant, ZoneOffset.UTC), BatchListener.NONE);
  }

  /** Row {@code seq} inserted by request {@code seq} of producer {@link #P}, id {@code r<seq>}. */
  private static Request insert(long seq) {
    return select(seq, "INSERT INTO t VALUES (" + seq + ")");
  }

  private static Request select(long seq, String sql) {
    return new Request("r" + seq, "main", List.of(Statement.of(sql)), null, new Sequence(P, seq));
  }

  private static Request console(String id, String sql) {
    return new Request(id, "main", List.of(Statement.of(sql)), null, null);
  }

  private String query(String sql) throws SQLException {
    try (var s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
