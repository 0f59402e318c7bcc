package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.DeadLetter;
import io.sqlq.client.ReplayOptions;
import io.sqlq.client.ReplayReport;
import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.core.protocol.Reply;
import io.sqlq.local.StackProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transient failures end in the dead-letter queue after maxReceiveCount receives, intact, and
 * {@code DeadLetterQueue.replay} brings them back once the cause is fixed: in order, once, and
 * answered, not applied, by the exactly-once state when they had in fact been applied.
 */
class DeadLetterIT {
  @RegisterExtension
  static final Pipeline pipeline = new Pipeline(1, Duration.ofSeconds(2), Duration.ofSeconds(3));

  @AfterEach
  void disarm() {
    pipeline.faults.disarm();
  }

  @Test
  void aTransientFaultLeavesTheRecordsForRedeliveryUntilTheyLandInTheDeadLetterQueueIntact() {
    pipeline.faults.arm(FaultPoint.STORE_FETCH_5XX, 1, Integer.MAX_VALUE);
    send("stuck", "stuck-1", "{\"id\":\"stuck-1\",\"sql\":\"INSERT INTO t VALUES (1)\"}");
    send("stuck", "stuck-2", "{\"id\":\"stuck-2\",\"sql\":\"INSERT INTO t VALUES (2)\"}");

    List<DeadLetter> dead = awaitDeadLetters("stuck", 2);

    assertThat(pipeline.faults.fired(FaultPoint.STORE_FETCH_5XX)).isGreaterThanOrEqualTo(StackProvisioner.MAX_RECEIVE_COUNT);
    // SQS keeps the deduplication id on a redrive; ElasticMQ gives a new one (FifoConformance,
    // REDRIVE_KEEPS_GROUP_AND_DEDUPLICATION_ID), which the replay only needs to be there and stable.
    assertThat(dead).extracting(DeadLetter::deduplicationId).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(dead).extracting(DeadLetter::body).containsExactly(
        "{\"id\":\"stuck-1\",\"sql\":\"INSERT INTO t VALUES (1)\"}", "{\"id\":\"stuck-2\",\"sql\":\"INSERT INTO t VALUES (2)\"}");
    assertThat(dead).extracting(DeadLetter::requestId).containsExactly("stuck-1", "stuck-2");
    assertThat(dead).allSatisfy(d -> {
      assertThat(d.reason()).startsWith("redriven after ");
      assertThat(d.receiveCount()).isGreaterThan(StackProvisioner.MAX_RECEIVE_COUNT);
    });
  }

  @Test
  void replayAfterTheCauseIsFixedAppliesTheRequestsOnceInOrderAndASecondReplayNothing() throws Exception {
    pipeline.faults.arm(FaultPoint.STORE_FETCH_5XX, 1, Integer.MAX_VALUE);
    for (String v : List.of("one", "two", "three")) {
      send("replay", "replay-" + v, "{\"id\":\"replay-" + v + "\",\"sql\":\"INSERT INTO t(v) VALUES ('" + v + "')\"}");
    }
    awaitDeadLetters("replay", 3);
    pipeline.faults.disarm();
    SqlqClient client = pipeline.client("replay");
    assertThat(client.submit("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)").get(60, TimeUnit.SECONDS).ok()).isTrue();

    ReplayReport dry = pipeline.deadLetters().replay(new ReplayOptions("replay", 10, true));
    ReplayReport first = pipeline.deadLetters().replay(new ReplayOptions("replay", ReplayOptions.UNLIMITED, false));
    Reply afterFirst = client.submit("SELECT group_concat(v, ',') FROM (SELECT v FROM t ORDER BY id)")
        .get(60, TimeUnit.SECONDS);
    ReplayReport second = pipeline.deadLetters().replay(new ReplayOptions("replay", ReplayOptions.UNLIMITED, false));
    Reply afterSecond = client.submit("SELECT count(*) FROM t").get(60, TimeUnit.SECONDS);

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.replayed()).extracting(DeadLetter::requestId)
        .containsExactly("replay-one", "replay-two", "replay-three");
    assertThat(first.replayed()).extracting(DeadLetter::requestId)
        .containsExactly("replay-one", "replay-two", "replay-three");
    assertThat(afterFirst.results().get(0).rows()).containsExactly(List.of("one,two,three"));
    assertThat(second.replayed()).isEmpty();
    assertThat(afterSecond.results().get(0).rows()).containsExactly(List.of(3L));
    assertThat(pipeline.deadLetters().list(100)).noneMatch(d -> d.database().equals("replay"));
  }

  @Test
  void replayingARequestThatHadBeenAppliedAnswersItWithItsStoredReplyAndAppliesNothing() throws Exception {
    SqlqClient client = pipeline.client("applied");
    client.submit("CREATE TABLE t(v TEXT)").get(60, TimeUnit.SECONDS);
    // Every delivery crashes after the lock is released: the first after publishing the insert,
    // the redeliveries after answering it from the stored replies (publishing nothing).
    pipeline.faults.arm(FaultPoint.AFTER_RELEASE, 1, Integer.MAX_VALUE);
    CompletableFuture<Reply> insert = client.submit("INSERT INTO t VALUES ('once')");

    awaitDeadLetters("applied", 1);
    pipeline.faults.disarm();
    ReplayReport replay = pipeline.deadLetters().replay(new ReplayOptions("applied", ReplayOptions.UNLIMITED, false));
    Reply reply = insert.get(60, TimeUnit.SECONDS);
    Reply count = client.submit("SELECT count(*) FROM t").get(60, TimeUnit.SECONDS);

    assertThat(replay.replayed()).hasSize(1);
    assertThat(reply.ok()).isTrue();
    assertThat(reply.results().get(0).lastInsertRowid()).isEqualTo(1L);
    assertThat(reply.dbVersion()).as("the version the request was first applied at").isEqualTo(2);
    assertThat(count.results().get(0).rows()).containsExactly(List.of(1L));
  }

  @Test
  void anSdkRequestDeadLetteredBeforeLaterOnesIsAppliedOnceByReplayAndASecondCopyIsNotApplied() throws Exception {
    SqlqClient client = pipeline.client("skipped");
    client.submit("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)").get(60, TimeUnit.SECONDS);
    pipeline.faults.arm(FaultPoint.STORE_FETCH_5XX, 1, Integer.MAX_VALUE);
    CompletableFuture<Reply> deadLettered = client.submit("INSERT INTO t(v) VALUES ('dead-lettered')");
    awaitDeadLetters("skipped", 1);
    pipeline.faults.disarm();
    // Applied while the earlier number is in the dead-letter queue: that number becomes skipped.
    client.submit("INSERT INTO t(v) VALUES ('later')").get(60, TimeUnit.SECONDS);

    ReplayReport replay = pipeline.deadLetters().replay(new ReplayOptions("skipped", ReplayOptions.UNLIMITED, false));
    Reply replayed = deadLettered.get(60, TimeUnit.SECONDS);
    client.submit("INSERT INTO t(v) VALUES ('after')").get(60, TimeUnit.SECONDS);
    // The same message once more, as a replay rerun after its deduplication window would send it.
    send("skipped", "skipped-again", replay.replayed().get(0).body());
    Reply rows = client.submit("SELECT group_concat(v, ',') FROM (SELECT v FROM t ORDER BY id)")
        .get(60, TimeUnit.SECONDS);

    assertThat(replay.replayed()).hasSize(1);
    assertThat(replay.replayed().get(0).body()).contains("\"seq\":2");
    assertThat(replayed.ok()).isTrue();
    assertThat(rows.results().get(0).rows()).containsExactly(List.of("later,dead-lettered,after"));
  }

  @Test
  void aMessageThatCanNeverSucceedIsReplayedOnceAndTheReplayEnds() {
    send("again", "again-1", "this is not json");
    awaitDeadLetters("again", 1);

    ReplayReport replay = pipeline.deadLetters().replay(new ReplayOptions("again", ReplayOptions.UNLIMITED, false));
    List<DeadLetter> back = awaitDeadLetters("again", 1);

    assertThat(replay.replayed()).extracting(DeadLetter::body).containsExactly("this is not json");
    assertThat(back).extracting(DeadLetter::body).containsExactly("this is not json");
    assertThat(back.get(0).reason()).contains("not JSON");
  }

  private static void send(String db, String deduplicationId, String body) {
    pipeline.sqs.sendMessage(b -> b.queueUrl(pipeline.local.config().requestQueueUrl()).messageGroupId(db)
        .messageDeduplicationId(deduplicationId).messageBody(body));
  }

  private static List<DeadLetter> awaitDeadLetters(String db, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    List<DeadLetter> found = List.of();
    while (System.nanoTime() < deadline) {
      found = pipeline.deadLetters().list(100).stream().filter(d -> d.database().equals(db)).toList();
      if (found.size() >= count) {
        return found;
      }
      sleep();
    }
    throw new AssertionError("expected " + count + " dead letters of " + db + " within 90 s, found " + found);
  }

  private static void sleep() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
