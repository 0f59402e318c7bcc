package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.protocol.StatementResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchApplierTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private final BatchApplier applier = at(NOW, SqlqConfig.DEFAULT_APPLIED_RETENTION);
  private Connection connection;
  private int ids;

  @BeforeEach
  void open(@TempDir Path dir) throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("main.sqlite"));
    applier.apply(connection, List.of(request("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")));
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void requestsApplyInOrderWithRowsAffectedAndLastInsertRowid() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t(v) VALUES (?)", "a"),
        request("INSERT INTO t(v) VALUES (?)", "b"),
        request("UPDATE t SET v = upper(v)")));

    assertThat(replies(batch)).allMatch(Reply::ok);
    assertThat(result(batch, 0)).isEqualTo(StatementResult.changes(1, 1));
    assertThat(result(batch, 1)).isEqualTo(StatementResult.changes(1, 2));
    assertThat(result(batch, 2).rowsAffected()).isEqualTo(2);
    assertThat(query("SELECT group_concat(v, ',') FROM t ORDER BY id")).isEqualTo("A,B");
  }

  @Test
  void eachBatchBumpsTheVersionByOne() throws SQLException {
    AppliedBatch second = applier.apply(connection, List.of(request("INSERT INTO t(v) VALUES ('x')")));
    AppliedBatch third = applier.apply(connection, List.of(request("INSERT INTO t(v) VALUES ('y')")));

    assertThat(second.version()).isEqualTo(2);
    assertThat(third.version()).isEqualTo(3);
    assertThat(replies(third).get(0).dbVersion()).isEqualTo(3);
    assertThat(query("SELECT value FROM _sqlq_meta WHERE key = 'version'")).isEqualTo("3");
  }

  @Test
  void sqlErrorRollsBackOnlyItsOwnRequestAndLaterRequestsApply() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t(id, v) VALUES (1, 'a')"),
        request("INSERT INTO t(id, v) VALUES (1, 'dup')"),
        request("INSERT INTO t(id, v) VALUES (2, 'b')")));

    Reply failed = replies(batch).get(1);
    assertThat(failed.ok()).isFalse();
    assertThat(failed.error().code()).isEqualTo("SQLITE_CONSTRAINT_PRIMARYKEY");
    assertThat(failed.error().message()).contains("UNIQUE constraint failed: t.id");
    assertThat(failed.error().statement()).isZero();
    assertThat(replies(batch).get(2).ok()).isTrue();
    assertThat(query("SELECT group_concat(v, ',') FROM t ORDER BY id")).isEqualTo("a,b");
  }

  @Test
  void failingTransactionIsRolledBackWhole() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(transaction(
        Statement.of("INSERT INTO t(id, v) VALUES (10, 'first')"),
        Statement.of("INSERT INTO nope VALUES (1)"))));

    Reply reply = replies(batch).get(0);
    assertThat(reply.error().code()).isEqualTo("SQLITE_ERROR");
    assertThat(reply.error().message()).contains("no such table: nope");
    assertThat(reply.error().statement()).isEqualTo(1);
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("0");
  }

  @Test
  void aRequestIdSeenBeforeIsAnsweredFromTheAppliedTableAndNotAppliedAgain() throws SQLException {
    Request insert = request("INSERT INTO t(v) VALUES ('once')");
    AppliedBatch first = applier.apply(connection, List.of(insert, insert));
    AppliedBatch redelivered = applier.apply(connection, List.of(insert));

    assertThat(query("SELECT count(*) FROM t")).isEqualTo("1");
    assertThat(first.requests().get(1).encodedReply()).isEqualTo(first.requests().get(0).encodedReply());
    assertThat(redelivered.requests().get(0).reply()).isEqualTo(first.requests().get(0).reply());
    assertThat(redelivered.requests().get(0).reply().dbVersion()).isEqualTo(first.version());
  }

  @Test
  void anErrorIsAFinalAnswer_aLaterRetryIsAnsweredAlreadyAppliedWithThatOutcomeAndNotRunAgain() throws SQLException {
    Request bad = request("INSERT INTO missing VALUES (1)");
    AppliedBatch first = applier.apply(connection, List.of(bad));
    applier.apply(connection, List.of(request("CREATE TABLE missing(x)")));
    AppliedBatch again = applier.apply(connection, List.of(bad));

    Reply reply = again.requests().get(0).reply();
    assertThat(reply.error().code()).isEqualTo(ReplyError.ALREADY_APPLIED);
    assertThat(reply.error().message()).contains("at version " + first.version(), "outcome SQLITE_ERROR");
    assertThat(reply.dbVersion()).isEqualTo(first.version());
    assertThat(query("SELECT count(*) FROM missing")).isEqualTo("0");
  }

  @Test
  void twoStatementsInOneSqlAreRefusedNotSilentlyTruncated() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t(v) VALUES ('a'); INSERT INTO t(v) VALUES ('b')")));

    assertThat(replies(batch).get(0).error().code()).isEqualTo(ReplyError.MULTIPLE_STATEMENTS);
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("0");
  }

  @Test
  void transactionControlIsRefused() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("COMMIT"), request("/* sneaky */ begin transaction"), request("ROLLBACK TO sqlq_request")));

    assertThat(replies(batch)).extracting(r -> r.error().code()).containsOnly(ReplyError.TRANSACTION_CONTROL);
  }

  @Test
  void namedAndPositionalParametersBindEveryType() throws SQLException {
    applier.apply(connection, List.of(request("CREATE TABLE v(i, r, s, b, n, f)")));
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)", 7L, 1.5, "s", new byte[] {1, 2}, null, true),
        new Request(nextId(), "main", List.of(Statement.named("INSERT INTO v(i, s) VALUES (:i, @s)",
            Map.of("i", 8L, "s", "named"))), null, null),
        request("SELECT i, r, s, b, n, f FROM v ORDER BY i")));

    StatementResult rows = result(batch, 2);
    assertThat(rows.columns()).containsExactly("i", "r", "s", "b", "n", "f");
    assertThat(rows.rows().get(0).subList(0, 3)).containsExactly(7L, 1.5, "s");
    assertThat((byte[]) rows.rows().get(0).get(3)).containsExactly(1, 2);
    assertThat(rows.rows().get(0).subList(4, 6)).containsExactly(null, 1L);
    assertThat(rows.rows().get(1)).containsExactly(8L, null, "named", null, null, null);
    assertThat(rows.lastInsertRowid()).isNull();
  }

  @Test
  void parameterCountMismatchIsABadParameterError() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t(v) VALUES (?)"),
        request("INSERT INTO t(v) VALUES (?)", "a", "b"),
        new Request(nextId(), "main", List.of(Statement.named("INSERT INTO t(v) VALUES (:v)", Map.of("w", 1L))), null, null)));

    assertThat(replies(batch)).extracting(r -> r.error().code()).containsOnly(ReplyError.BAD_PARAMETER);
    assertThat(replies(batch).get(0).error().message()).contains("1 parameters but 0 values");
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("0");
  }

  @Test
  void ddlAfterAnInsertReportsNoRowsAffected() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t(v) VALUES ('a')"), request("CREATE TABLE u(x)"), request("SELECT 1")));

    assertThat(result(batch, 0).rowsAffected()).isEqualTo(1);
    assertThat(result(batch, 1).rowsAffected()).isZero();
    assertThat(result(batch, 2).rowsAffected()).isZero();
  }

  @Test
  void returningReportsItsRowsAndItsChanges() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t(v) VALUES ('a'), ('b') RETURNING id, v")));

    StatementResult result = result(batch, 0);
    assertThat(result.columns()).containsExactly("id", "v");
    assertThat(result.rows()).containsExactly(List.of(1L, "a"), List.of(2L, "b"));
    assertThat(result.rowsAffected()).isEqualTo(2);
    assertThat(result.lastInsertRowid()).isEqualTo(2);
  }

  @Test
  void replyLargerThanTheLimitIsAnErrorAndItsEffectIsRolledBack() throws SQLException {
    BatchApplier small = new BatchApplier(new BatchApplier.Settings(SqlqConfig.DEFAULT_STATEMENT_TIMEOUT,
        new ReplyQueues(TestStack.REPLIES), SqlqConfig.DEFAULT_APPLIED_RETENTION, 400), Clock.fixed(NOW, ZoneOffset.UTC),
        BatchListener.NONE);
    AppliedBatch batch = small.apply(connection, List.of(
        request("INSERT INTO t(v) VALUES (?) RETURNING v", "x".repeat(500)),
        request("INSERT INTO t(v) VALUES (?) RETURNING v", "x".repeat(100))));

    assertThat(replies(batch).get(0).error().code()).isEqualTo(ReplyError.REPLY_TOO_LARGE);
    assertThat(replies(batch).get(1).ok()).isTrue();
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("1");
  }

  @Test
  void connectionIsBackInAutoCommitAfterTheBatch() throws SQLException {
    applier.apply(connection, List.of(request("INSERT INTO t(v) VALUES ('a')")));

    assertThat(connection.getAutoCommit()).isTrue();
  }

  @Test
  void requestRecordsOlderThanTheRetentionArePrunedByTheNextBatchAndNewerOnesKept() throws SQLException {
    Duration retention = Duration.ofHours(1);
    at(NOW.minus(Duration.ofHours(2)), retention).apply(connection, List.of(request("INSERT INTO t(v) VALUES ('old')")));
    at(NOW.minus(Duration.ofMinutes(59)), retention).apply(connection,
        List.of(request("INSERT INTO t(v) VALUES ('recent')")));

    at(NOW, retention).apply(connection, List.of(request("INSERT INTO t(v) VALUES ('now')")));

    assertThat(query("SELECT group_concat(id, ',') FROM (SELECT id FROM _sqlq_requests ORDER BY id)"))
        .isEqualTo("req-0,req-2,req-3");
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("3");
  }

  @Test
  void oneBatchLooksAtMostAtItsLimitOfOldestRecordsAndPrunesTheExpiredAmongThem() throws SQLException {
    try (var s = connection.createStatement()) {
      s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
          + " INSERT INTO _sqlq_requests(id, version, outcome, applied_at_ms) SELECT 'stale-' || i, 1, 'OK', i FROM n");
    }

    at(NOW, Duration.ofHours(1)).apply(connection, List.of(request("INSERT INTO t(v) VALUES ('x')")));

    assertThat(BatchApplier.pruneLimit(1)).isEqualTo(1_000);
    assertThat(BatchApplier.pruneLimit(4_000)).isEqualTo(8_000);
    // The 1,000 oldest by rowid are req-0 (not expired) and stale-1 to stale-999.
    assertThat(query("SELECT count(*) FROM _sqlq_requests WHERE id LIKE 'stale-%'")).isEqualTo("501");
    assertThat(query("SELECT min(applied_at_ms) FROM _sqlq_requests WHERE id LIKE 'stale-%'")).isEqualTo("1000");
  }

  private static BatchApplier at(Instant instant, Duration retention) {
    return new BatchApplier(new BatchApplier.Settings(SqlqConfig.DEFAULT_STATEMENT_TIMEOUT,
        new ReplyQueues(TestStack.REPLIES), retention, MessageLimits.MAX_BODY_BYTES), Clock.fixed(instant, ZoneOffset.UTC),
        BatchListener.NONE);
  }

  private Request request(String sql, Object... params) {
    return new Request(nextId(), "main", List.of(Statement.of(sql, params)), null, null);
  }

  private Request transaction(Statement... statements) {
    return new Request(nextId(), "main", Arrays.asList(statements), null, null);
  }

  private String nextId() {
    return "req-" + ids++;
  }

  private static List<Reply> replies(AppliedBatch batch) {
    List<Reply> replies = new ArrayList<>();
    batch.requests().forEach(a -> replies.add(a.reply()));
    return replies;
  }

  private static StatementResult result(AppliedBatch batch, int request) {
    return batch.requests().get(request).reply().results().get(0);
  }

  private String query(String sql) throws SQLException {
    try (var s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
