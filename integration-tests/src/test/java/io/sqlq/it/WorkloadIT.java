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
    Counts counts = new Counts();
    for (Submitted s : submitted) {
      try {
        replies.put(s, s.future().get(120, TimeUnit.SECONDS));
      } catch (ExecutionException | TimeoutException e) {
        counts.unanswered++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    for (String db : DATABASES) {
      check(db, pipeline.export(db, dir), submitted, replies, counts);
    }
    List<DeadLetter> dead = pipeline.deadLetters().list(100);
    Map<FaultPoint, Integer> fired = new EnumMap<>(FaultPoint.class);
    for (FaultPoint point : FaultPoint.values()) {
      fired.put(point, pipeline.faults.fired(point));
    }
    System.out.printf("faults %d, requests %d, lost %d, duplicated %d, out-of-order %d%n",
        pipeline.faults.fired(), submitted.size(), counts.lost, counts.duplicated, counts.outOfOrder);
    System.out.printf("workload: %.1f s, %d batches, %d records failed and redelivered, %d unanswered, faults by point %s%n",
        seconds, pipeline.local.batches(), pipeline.local.failedRecords(), counts.unanswered, fired);

    assertThat(submitted.size()).isGreaterThanOrEqualTo(5_000);
    assertThat(fired.values()).allMatch(n -> n >= FAULTS_PER_POINT);
    assertThat(counts.unanswered).as("requests without a reply").isZero();
    assertThat(counts.lost).as("lost").isZero();
    assertThat(counts.duplicated).as("duplicated").isZero();
    assertThat(counts.outOfOrder).as("out of order").isZero();
    assertThat(counts.wrongReplies).as("replies that do not match their row").isZero();
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

  private static final class Counts {
    int lost;
    int duplicated;
    int outOfOrder;
    int wrongReplies;
    int unanswered;
  }

  /**
   * Compares the rows of {@code db} with what was submitted to it and what each future got: a
   * submitted request without its row is lost (every request of this workload can succeed), one
   * with two rows duplicated, a client's rows out of submit order are out of order.
   */
  private static void check(String db, Path file, List<Submitted> submitted, Map<Submitted, Reply> replies,
      Counts counts) throws Exception {
    Map<String, List<Long>> rowids = new HashMap<>();
    Map<Integer, Integer> lastSeq = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("SELECT rowid, client, seq FROM log ORDER BY rowid")) {
      while (rs.next()) {
        int client = rs.getInt(2);
        int seq = rs.getInt(3);
        rowids.computeIfAbsent(client + "/" + seq, k -> new ArrayList<>()).add(rs.getLong(1));
        if (seq <= lastSeq.getOrDefault(client, -1)) {
          counts.outOfOrder++;
        }
        lastSeq.put(client, seq);
      }
    }
    for (Submitted s : submitted) {
      if (!s.db().equals(db)) {
        continue;
      }
      List<Long> found = rowids.getOrDefault(s.client() + "/" + s.seq(), List.of());
      if (found.isEmpty()) {
        counts.lost++;
        continue;
      }
      counts.duplicated += found.size() - 1;
      Reply reply = replies.get(s);
      if (reply == null) {
        continue;
      }
      if (!reply.ok() || !reply.db().equals(db) || reply.results().get(0).rowsAffected() != 1
          || !found.get(0).equals(reply.results().get(0).lastInsertRowid())) {
        counts.wrongReplies++;
      }
    }
  }
}
