package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sqlite.HardenedSqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests (jqwik) of the applier on a hardened connection: batches drawn from
 * statements that succeed, fail, are refused, run past their budget (a query, and a write whose
 * interruption makes SQLite drop the whole transaction) or break a limit. Whatever the mix, every
 * request gets exactly one reply in order, and the table holds exactly the rows of the requests
 * answered OK: a failing request takes nothing of its neighbours with it, and a restarted pass
 * applies nothing twice.
 */
class BatchApplierProperties {
  private static final String REPLIES = TestStack.REPLIES;
  private static final String FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)";

  private final BatchApplier applier = new BatchApplier(TestStack.settings(Duration.ofMillis(30)), Clock.systemUTC(),
      BatchListener.NONE);

  /** A kind of request, and how many rows of {@code t} it adds when it is answered OK. */
  enum Kind {
    INSERT(1), INSERT_TWO_IN_A_TRANSACTION(2), CONSTRAINT_VIOLATION(0), HALF_FAILING_TRANSACTION(0),
    ENDLESS_QUERY(0), ENDLESS_INSERT(0), ATTACH(0), PRAGMA(0), TRANSACTION_CONTROL(0), FOREIGN_REPLY_QUEUE(1),
    SELECT(0);

    final int rows;

    Kind(int rows) {
      this.rows = rows;
    }
  }

  @Property(tries = 60)
  void everyRequestGetsOneReplyAndOnlyOkRequestsLeaveRows(@ForAll("batches") List<Kind> kinds)
      throws IOException, SQLException {
    Path dir = Files.createTempDirectory("sqlq-property");
    try (Connection connection = HardenedSqlite.open(dir.resolve("main.sqlite"))) {
      applier.apply(connection, List.of(request("setup", "CREATE TABLE t(k INTEGER PRIMARY KEY, v)", null)));
      List<Request> requests = new ArrayList<>();
      for (int i = 0; i < kinds.size(); i++) {
        requests.add(request(kinds.get(i), i));
      }

      AppliedBatch batch = applier.apply(connection, requests);

      assertThat(batch.requests()).extracting(a -> a.reply().id())
          .containsExactlyElementsOf(requests.stream().map(Request::id).toList());
      long expectedRows = 0;
      for (int i = 0; i < kinds.size(); i++) {
        Reply reply = batch.requests().get(i).reply();
        boolean shouldSucceed = kinds.get(i) == Kind.INSERT || kinds.get(i) == Kind.INSERT_TWO_IN_A_TRANSACTION
            || kinds.get(i) == Kind.SELECT;
        assertThat(reply.ok()).as(kinds.get(i) + " " + reply.error()).isEqualTo(shouldSucceed);
        expectedRows += reply.ok() ? kinds.get(i).rows : 0;
      }
      assertThat(count(connection, "SELECT count(*) FROM t")).isEqualTo(expectedRows);
      // Requests without a producer id are recorded when they wrote or failed; a read is not.
      long reads = kinds.stream().filter(k -> k == Kind.SELECT).count();
      assertThat(count(connection, "SELECT count(*) FROM _sqlq_requests")).isEqualTo(kinds.size() + 1 - reads);
      assertThat(connection.getAutoCommit()).isTrue();
    }
  }

  @Provide
  Arbitrary<List<Kind>> batches() {
    return Arbitraries.of(Kind.class).list().ofMinSize(1).ofMaxSize(12);
  }

  private static Request request(Kind kind, int i) {
    String id = "r" + i;
    return switch (kind) {
      case INSERT -> request(id, "INSERT INTO t(k, v) VALUES (" + i + ", 'x')", null);
      case INSERT_TWO_IN_A_TRANSACTION -> new Request(id, "main", List.of(
          Statement.of("INSERT INTO t(k, v) VALUES (?, 'a')", 1000L + i),
          Statement.of("INSERT INTO t(k, v) VALUES (?, 'b')", 2000L + i)), null, null);
      case CONSTRAINT_VIOLATION -> request(id, "INSERT INTO t(k, v) VALUES (NULL, 1), (-1, 1), (-1, 2)", null);
      case HALF_FAILING_TRANSACTION -> new Request(id, "main", List.of(
          Statement.of("INSERT INTO t(k, v) VALUES (?, 'half')", 3000L + i), Statement.of("INSERT INTO nope VALUES (1)")), null, null);
      case ENDLESS_QUERY -> request(id, FOREVER + " SELECT count(*) FROM c", null);
      case ENDLESS_INSERT -> request(id, "INSERT INTO t(v) " + FOREVER + " SELECT x FROM c", null);
      case ATTACH -> request(id, "ATTACH 'other.sqlite' AS o", null);
      case PRAGMA -> request(id, "PRAGMA journal_mode = OFF", null);
      case TRANSACTION_CONTROL -> request(id, "ROLLBACK", null);
      case FOREIGN_REPLY_QUEUE -> request(id, "INSERT INTO t(k, v) VALUES (" + (4000 + i) + ", 'deputy')",
          "http://sqs.local/000000000000/victim");
      case SELECT -> request(id, "SELECT count(*) FROM t", null);
    };
  }

  private static Request request(String id, String sql, String replyTo) {
    return new Request(id, "main", List.of(Statement.of(sql)), replyTo, null);
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (var s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
