package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.DeadLetter;
import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload checker (DESIGN.md, "Invariants"): several clients append numbered rows to
 * several databases while the consumer crashes at every step of its batch and S3 fails in every
 * way it can; afterwards every acknowledged request is in its database exactly once, in each
 * client's submit order, every future got the reply its request really got, and the
 * dead-letter queue holds exactly the messages that could never succeed.
 */
class WorkloadIT {
  private static final List<String> DATABASES = List.of("w-alpha", "w-beta", "w-gamma");
  private static final int CLIENTS = 4;
  private static final int ROWS_PER_CLIENT_AND_DATABASE = 420;
  /** Submits per client between pauses, so the workload arrives as many batches, not a few. */
  private static final int WAVE = 30;
  private static final int FAULTS_PER_POINT = 3;

  /**
   * Visibility timeout 6 s, three times the 2 s function timeout: a local batch is not killed at
   * its timeout, and the poller extends the visibility of a batch that runs long.
   */
  @RegisterExtension
  static final Pipeline pipeline = new Pipeline(2, Duration.ofSeconds(2), Duration.ofSeconds(6));

  private record Submitted(int client, String db, int seq, CompletableFuture<Reply> future) {}

  @Test
  void everyAcknowledgedRequestIsAppliedOnceInOrderWithItsOwnReplyWhileTheConsumerCrashesEverywhere(
      @TempDir Path dir) throws Exception {
    // Injected crashes come far more often than real ones; keep them from redriving good requests.
    pipeline.maxReceiveCount(50);
    List<SqlqClient> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(pipeline.client(DATABASES.get(c % DATABASES.size())));
    }
    for (String db : DATABASES) {
      assertThat(clients.get(0).database(db).submit(Statement.of("CREATE TABLE log(client INTEGER, seq INTEGER)"))
          .get(60, TimeUnit.SECONDS).ok()).isTrue();
    }
    armEveryFaultPoint();
    Set<String> poison = sendPoison();

    AtomicInteger completions = new AtomicInteger();
    List<Submitted> submitted = new ArrayList<>();
    long start = System.nanoTime();
    for (int wave = 0; wave * WAVE < ROWS_PER_CLIENT_AND_DATABASE; wave++) {
      for (int seq = wave * WAVE; seq < Math.min(ROWS_PER_CLIENT_AND_DATABASE, (wave + 1) * WAVE); seq++) {
        for (int c = 0; c < CLIENTS; c++) {
          for (String db : DATABASES) {
            CompletableFuture<Reply> future = clients.get(c).database(db).submit(
                Statement.of("INSERT INTO log(client, seq) VALUES (?, ?)", c, seq));
            future.whenComplete((r, e) -> completions.incrementAndGet());
            submitted.add(new Submitted(c, db, seq, future));
          }
        }
      }
      Thread.sleep(100);
    }
    Map<Submitted, Reply> replies = new HashMap<>();
    int unanswered = 0;
    for (Submitted s : submitted) {
      try {
        replies.put(s, s.future().get(120, TimeUnit.SECONDS));
      } catch (ExecutionException | TimeoutException e) {
        unanswered++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    ClientSequences sequences = new ClientSequences(0, 0, 0);
    int wrongReplies = 0;
    Map<Integer, Integer> sent = new HashMap<>();
    for (int c = 0; c < CLIENTS; c++) {
      sent.put(c, ROWS_PER_CLIENT_AND_DATABASE);
    }
    for (String db : DATABASES) {
      Path file = pipeline.export(db, dir);
      sequences = sequences.plus(ClientSequences.check(file, sent));
      wrongReplies += wrongReplies(db, file, submitted, replies);
    }
    List<DeadLetter> dead = pipeline.deadLetters().list(100);
    Map<FaultPoint, Integer> fired = new EnumMap<>(FaultPoint.class);
    for (FaultPoint point : FaultPoint.values()) {
      fired.put(point, pipeline.faults.fired(point));
    }
    System.out.printf("faults %d, requests %d, %s%n", pipeline.faults.fired(), submitted.size(), sequences.line());
    System.out.printf("workload: %.1f s, %d batches, %d records failed and redelivered, %d unanswered, faults by point %s%n",
        seconds, pipeline.local.batches(), pipeline.local.failedRecords(), unanswered, fired);

    assertThat(submitted.size()).isGreaterThanOrEqualTo(5_000);
    assertThat(fired.values()).allMatch(n -> n >= FAULTS_PER_POINT);
    assertThat(unanswered).as("requests without a reply").isZero();
    assertThat(sequences).as("lost, duplicated, out of order").isEqualTo(new ClientSequences(0, 0, 0));
    assertThat(wrongReplies).as("replies that do not match their row").isZero();
    assertThat(completions).as("future completions").hasValue(submitted.size());
    assertThat(dead).extracting(DeadLetter::deduplicationId).containsExactlyInAnyOrderElementsOf(poison);
    assertThat(dead).allMatch(d -> d.reason() != null && !d.reason().startsWith("redriven"));
  }

  /** Fails every fault point {@value #FAULTS_PER_POINT} times, spread over its calls. */
  private static void armEveryFaultPoint() {
    for (FaultPoint point : FaultPoint.values()) {
      pipeline.faults.arm(point, point == FaultPoint.MID_APPLY ? 700 : 3, FAULTS_PER_POINT);
    }
  }

  /** Messages that can never be applied: not JSON, an unknown version, a database that is not its group. */
  private static Set<String> sendPoison() {
    Set<String> ids = new HashSet<>();
    List<String> bodies = List.of("not json at all", "{\"v\":9,\"sql\":\"SELECT 1\"}",
        "{\"db\":\"elsewhere\",\"sql\":\"SELECT 1\"}");
    for (String db : DATABASES) {
      for (int i = 0; i < bodies.size(); i++) {
        String id = "poison-" + db + "-" + i;
        String body = bodies.get(i);
        pipeline.sqs.sendMessage(b -> b.queueUrl(pipeline.local.config().requestQueueUrl())
            .messageGroupId(db).messageDeduplicationId(id).messageBody(body));
        ids.add(id);
      }
    }
    return ids;
  }

  /**
   * The replies of requests to {@code db} that do not match their row: not OK, another database,
   * not one row affected, or another rowid than the row's first copy. Rows that are missing are
   * counted as lost by {@link ClientSequences}, not here.
   */
  private static int wrongReplies(String db, Path file, List<Submitted> submitted, Map<Submitted, Reply> replies)
      throws Exception {
    Map<String, Long> firstRowid = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("SELECT rowid, client, seq FROM log ORDER BY rowid")) {
      while (rs.next()) {
        firstRowid.putIfAbsent(rs.getInt(2) + "/" + rs.getInt(3), rs.getLong(1));
      }
    }
    int wrong = 0;
    for (Submitted s : submitted) {
      Reply reply = replies.get(s);
      Long rowid = firstRowid.get(s.client() + "/" + s.seq());
      if (!s.db().equals(db) || reply == null || rowid == null) {
        continue;
      }
      if (!reply.ok() || !reply.db().equals(db) || reply.results().get(0).rowsAffected() != 1
          || !rowid.equals(reply.results().get(0).lastInsertRowid())) {
        wrong++;
      }
    }
    return wrong;
  }
}
