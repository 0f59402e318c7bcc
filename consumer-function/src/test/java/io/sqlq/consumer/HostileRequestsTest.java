package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.Params;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sqlite.HardenedSqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier on a hardened connection, as the consumer builds it: each refused construct and
 * each per-request limit answers an ERROR reply with the text a user reads, and the requests
 * around it are applied as usual.
 */
class HostileRequestsTest {
  private static final String REPLIES = TestStack.REPLIES;
  private static final Duration BUDGET = Duration.ofMillis(300);
  private static final String FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)";

  private final BatchApplier applier = new BatchApplier(TestStack.settings(BUDGET),
      Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC), BatchListener.NONE);
  @TempDir Path dir;
  private Connection connection;
  private int ids;

  @BeforeEach
  void open() throws SQLException {
    connection = HardenedSqlite.open(dir.resolve("main.sqlite"));
    applier.apply(connection, List.of(request("CREATE TABLE t(v)")));
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void eachRefusedConstructIsAnErrorReplyAndItsNeighboursApply() throws SQLException {
    String copy = dir.resolve("copy.sqlite").toString();
    List<Reply> replies = replies(applier.apply(connection, List.of(
        request("INSERT INTO t VALUES ('before')"),
        request("ATTACH '" + dir.resolve("other.sqlite") + "' AS other"),
        request("DETACH other"),
        request("VACUUM INTO '" + copy + "'"),
        request("VACUUM"),
        request("PRAGMA writable_schema = ON"),
        request("PRAGMA journal_mode = OFF"),
        request("PRAGMA trusted_schema = ON"),
        request("PRAGMA schema_version = 1"),
        request("SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')"),
        request("ATTACH 'x' AS y /* unclosed"),
        request("INSERT INTO t VALUES ('after')"))));

    assertThat(replies.get(0).ok()).isTrue();
    assertThat(replies.get(11).ok()).isTrue();
    assertThat(errors(replies.subList(1, 11))).containsExactly(
        "SQLQ_ATTACH_REFUSED: ATTACH is refused: a request reaches only the database it names (its message group)",
        "SQLQ_ATTACH_REFUSED: DETACH is refused: a request reaches only the database it names (its message group)",
        "SQLQ_VACUUM_REFUSED: VACUUM is refused: VACUUM INTO writes a file of the function's disk, and a plain"
            + " VACUUM cannot run inside sqlq's transaction",
        "SQLQ_VACUUM_REFUSED: VACUUM is refused: VACUUM INTO writes a file of the function's disk, and a plain"
            + " VACUUM cannot run inside sqlq's transaction",
        pragmaRefused("writable_schema"), pragmaRefused("journal_mode"), pragmaRefused("trusted_schema"),
        pragmaRefused("schema_version"),
        "SQLQ_FUNCTION_REFUSED: load_extension() is refused: it would load native code or register one by address",
        "SQLQ_UNTERMINATED: unterminated block comment starting on line 1: close it (SQLite would end an open block"
            + " comment at the end of the text silently)");
    assertThat(Files.exists(Path.of(copy))).isFalse();
    assertThat(query("SELECT group_concat(v) FROM t")).isEqualTo("before,after");
    assertThat(query("PRAGMA trusted_schema")).isEqualTo("0");
  }

  /** Found by fuzzing: SQLite prepared nothing, and the connection then failed to close. */
  @Test
  void sqlThatSqliteWouldNotReadAsSentIsRefusedAndTheConnectionStillCloses() throws SQLException {
    List<Reply> replies = replies(applier.apply(connection, List.of(
        request("-- only a comment"), request(" ; /* and */ ;"), request("SELECT 'a\0b'"))));

    assertThat(errors(replies)).containsExactly(
        "SQLQ_EMPTY_STATEMENT: sql holds no statement, only whitespace and comments",
        "SQLQ_EMPTY_STATEMENT: sql holds no statement, only whitespace and comments",
        "SQLQ_NUL_CHARACTER: the SQL holds a NUL character at index 9, where SQLite would stop reading it;"
            + " pass such values as parameters");
    connection.close();
  }

  @Test
  void allowedPragmasStillAnswer() throws SQLException {
    List<Reply> replies = replies(applier.apply(connection, List.of(
        request("PRAGMA user_version = 7"), request("PRAGMA user_version"), request("PRAGMA table_info(t)"))));

    assertThat(replies).allMatch(Reply::ok);
    assertThat(replies.get(1).results().get(0).rows()).containsExactly(List.of(7L));
    assertThat(replies.get(2).results().get(0).rows().get(0)).contains("v");
  }

  @Test
  void aQueryPastItsBudgetIsInterruptedAndAnsweredWhileTheRestOfTheBatchApplies() throws SQLException {
    List<Reply> replies = replies(applier.apply(connection, List.of(
        request("INSERT INTO t VALUES ('before')"),
        request(FOREVER + " SELECT count(*) FROM c"),
        request("INSERT INTO t VALUES ('after')"))));

    assertThat(errors(replies.subList(1, 2))).containsExactly(
        "SQLQ_STATEMENT_TIMEOUT: the statement ran longer than its budget of 300 ms and was interrupted");
    assertThat(replies.get(1).error().statement()).isZero();
    assertThat(replies.get(0).ok()).isTrue();
    assertThat(replies.get(2).ok()).isTrue();
    assertThat(query("SELECT group_concat(v) FROM t")).isEqualTo("before,after");
  }

  /**
   * An interrupted INSERT makes SQLite roll back the whole transaction, savepoints and all
   * (sqlite.org/c3ref/interrupt.html): the applier notices and applies the batch again, with the
   * interrupted request answered by its error, so nothing of its neighbours is lost or doubled.
   */
  @Test
  void anInterruptedWriteThatLosesTheTransactionIsRetriedWithoutItAndNothingElseIsLostOrDoubled() throws SQLException {
    AppliedBatch batch = applier.apply(connection, List.of(
        request("INSERT INTO t VALUES ('before')"),
        request("INSERT INTO t " + FOREVER + " SELECT x FROM c"),
        request("INSERT INTO t VALUES ('after')")));

    List<Reply> replies = replies(batch);
    assertThat(replies.get(1).error().code()).isEqualTo(ReplyError.STATEMENT_TIMEOUT);
    assertThat(replies.get(0).ok()).isTrue();
    assertThat(replies.get(2).ok()).isTrue();
    assertThat(query("SELECT group_concat(v) FROM t")).isEqualTo("before,after");
    assertThat(query("SELECT count(*) FROM _sqlq_requests")).isEqualTo(String.valueOf(ids));
    assertThat(query("SELECT value FROM _sqlq_meta WHERE key = 'version'")).isEqualTo(String.valueOf(batch.version()));
    assertThat(connection.getAutoCommit()).isTrue();
  }

  @Test
  void rowsAreReadOnlyUpToTheReplyLimitSoAnEndlessQueryEndsAsReplyTooLarge() throws SQLException {
    BatchApplier small = new BatchApplier(new BatchApplier.Settings(Duration.ofSeconds(2), new ReplyQueues(REPLIES),
        SqlqConfig.DEFAULT_APPLIED_RETENTION, 10_000), Clock.systemUTC(), BatchListener.NONE);
    List<Reply> replies = replies(small.apply(connection, List.of(request(FOREVER + " SELECT x FROM c"))));

    assertThat(errors(replies)).containsExactly("SQLQ_REPLY_TOO_LARGE: the rows take more than the 10000 bytes"
        + " a reply may take; select fewer rows or columns");
  }

  @Test
  void aReplyQueueOutsideTheStackIsRefusedAnsweredOnTheDefaultQueueAndNotApplied() throws SQLException {
    String victim = "http://sqs.local/000000000000/victim-queue";
    Request evil = new Request("evil", "main", List.of(Statement.of("INSERT INTO t VALUES ('evil')")), victim, null);
    Request own = new Request("own", "main", List.of(Statement.of("INSERT INTO t VALUES ('own')")), REPLIES + "-0123456789ab", null);

    AppliedBatch batch = applier.apply(connection, List.of(evil, own));
    AppliedBatch redelivered = applier.apply(connection, List.of(evil));

    assertThat(errors(replies(batch).subList(0, 1))).containsExactly("SQLQ_REPLY_QUEUE_REFUSED: replyTo " + victim
        + " is not one of this stack's reply queues (" + REPLIES + " or a queue beside it named after it with '-');"
        + " the request was not applied");
    assertThat(batch.requests().get(0).request().replyTo()).isEqualTo(REPLIES);
    assertThat(batch.requests().get(1).request().replyTo()).isEqualTo(REPLIES + "-0123456789ab");
    assertThat(redelivered.requests().get(0).request().replyTo()).isEqualTo(REPLIES);
    assertThat(query("SELECT group_concat(v) FROM t")).isEqualTo("own");
  }

  @Test
  void theMostStatementsInOneRequestApplyAndOneMoreIsRefused() throws SQLException {
    int max = MessageLimits.MAX_STATEMENTS_PER_REQUEST;
    List<Reply> replies = replies(applier.apply(connection, List.of(
        transaction(max, "INSERT INTO t VALUES (1)"), transaction(max + 1, "INSERT INTO t VALUES (2)"))));

    assertThat(replies.get(0).results()).hasSize(1_000);
    assertThat(errors(replies.subList(1, 2))).containsExactly(
        "SQLQ_TOO_MANY_STATEMENTS: the request holds 1001 statements, more than 1000; split it into several requests");
    assertThat(query("SELECT count(*) FROM t")).isEqualTo("1000");
  }

  @Test
  void theMostParametersBindAndOneMoreIsRefusedWithTheLimitNamed() throws SQLException {
    int max = MessageLimits.MAX_PARAMETERS_PER_STATEMENT;
    // Binding 32,766 values is about the limit, not the time budget: BUDGET (300 ms, for the
    // runaway queries) interrupted it once on a machine running two builds beside it.
    BatchApplier unhurried = new BatchApplier(TestStack.settings(Duration.ofMinutes(1)), Clock.systemUTC(),
        BatchListener.NONE);
    List<Reply> replies = replies(unhurried.apply(connection, List.of(inList(max), inList(max + 1))));

    assertThat(replies.get(0).ok()).isTrue();
    assertThat(errors(replies.subList(1, 2))).containsExactly("SQLQ_TOO_MANY_PARAMETERS: the statement has 32767"
        + " values, more than the 32766 SQLite allows by default (SQLITE_MAX_VARIABLE_NUMBER)");
  }

  @Test
  void sqlOfTheLongestLengthRunsAndOneByteMoreIsRefused() throws SQLException {
    List<Reply> replies = replies(applier.apply(connection, List.of(
        request(sqlOfBytes(MessageLimits.MAX_SQL_BYTES)), request(sqlOfBytes(MessageLimits.MAX_SQL_BYTES + 1)))));

    assertThat(errors(replies.subList(0, 1))).containsExactly("OK");
    assertThat(errors(replies.subList(1, 2))).containsExactly(
        "SQLQ_SQL_TOO_LONG: the statement's SQL is 1040385 bytes, more than 1040384");
  }

  private static String sqlOfBytes(int bytes) {
    String head = "SELECT 1 AS one -- ";
    return head + "x".repeat(bytes - head.length());
  }

  private Request inList(int values) {
    String sql = "SELECT 1 WHERE NULL IN (" + String.join(",", Collections.nCopies(values, "?")) + ")";
    return new Request(nextId(), "main", List.of(new Statement(sql,
        new Params.Positional(new ArrayList<>(Collections.nCopies(values, 1L))))), null, null);
  }

  private Request transaction(int statements, String sql) {
    return new Request(nextId(), "main", Collections.nCopies(statements, Statement.of(sql)), null, null);
  }

  private static String pragmaRefused(String name) {
    return "SQLQ_PRAGMA_REFUSED: PRAGMA " + name + " with a value is refused: it could change how the file is kept"
        + " or how later requests run; sqlq allows the pragmas that only read (table_info, index_list,"
        + " integrity_check, ...) and setting user_version or application_id";
  }

  private Request request(String sql) {
    return new Request(nextId(), "main", List.of(Statement.of(sql)), null, null);
  }

  private String nextId() {
    return "r" + ids++;
  }

  private static List<Reply> replies(AppliedBatch batch) {
    return batch.requests().stream().map(AppliedRequest::reply).toList();
  }

  private static List<String> errors(List<Reply> replies) {
    return replies.stream().map(r -> r.error() == null ? "OK" : r.error().code() + ": " + r.error().message()).toList();
  }

  private String query(String sql) throws SQLException {
    try (var s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
