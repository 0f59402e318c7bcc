package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.core.protocol.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replies are sent only after the publish, and a crash around them costs a redelivery, never a
 * second effect or a second completion: after the publish and before the replies (no reply yet,
 * the redelivery answers from the last batch's stored replies), and after the replies before the delete
 * (the redelivery sends the replies again, and the SDK ignores the copies). A manifest write whose
 * answer is lost costs not even a redelivery: the store finds its write in the manifest; one refused
 * after the delta was uploaded (a stale consumer's) costs a redelivery and one effect.
 */
class RedeliveryIT {
  @RegisterExtension
  static final Pipeline pipeline = new Pipeline(1, Duration.ofSeconds(2), Duration.ofSeconds(3));

  @ParameterizedTest
  @EnumSource(value = FaultPoint.class, names = {"AFTER_PUBLISH", "AFTER_RELEASE", "AFTER_REPLIES"})
  void aCrashAroundTheRepliesCompletesEachFutureOnceWithTheReplyOfItsRow(FaultPoint point, @TempDir Path dir)
      throws Exception {
    String db = "redeliver-" + point.name().toLowerCase().replace('_', '-');
    SqlqClient client = pipeline.client(db);
    client.submit("CREATE TABLE t(v INTEGER)").get(60, TimeUnit.SECONDS);
    pipeline.faults.arm(point, 1, 1);
    AtomicInteger completions = new AtomicInteger();
    List<CompletableFuture<Reply>> futures = new ArrayList<>();
    for (int v = 0; v < 5; v++) {
      CompletableFuture<Reply> f = client.submit("INSERT INTO t VALUES (?)", v);
      f.whenComplete((r, e) -> completions.incrementAndGet());
      futures.add(f);
    }

    List<Long> rowids = new ArrayList<>();
    for (var f : futures) {
      rowids.add(f.get(60, TimeUnit.SECONDS).results().get(0).lastInsertRowid());
    }
    Reply after = client.submit("SELECT group_concat(rowid || ':' || v, ',') FROM t").get(60, TimeUnit.SECONDS);

    assertThat(pipeline.faults.fired(point)).isEqualTo(1);
    assertThat(completions).hasValue(5);
    assertThat(rowids).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(after.results().get(0).rows()).containsExactly(List.of("1:0,2:1,3:2,4:3,5:4"));
    pipeline.faults.disarm();
  }

  @Test
  void aManifestWriteWhoseAnswerIsLost_isFoundCommitted_soTheRequestIsAnsweredOnceAndNoRecordFails() throws Exception {
    Insert insert = insertWith(FaultPoint.STORE_MANIFEST_ANSWER_LOST, "answer-lost");

    assertThat(insert.reply().ok()).isTrue();
    assertThat(insert.reply().results().get(0).rowsAffected()).isEqualTo(1);
    assertThat(insert.rowsAfter()).isEqualTo(1L);
    assertThat(insert.failedRecords()).as("records failed and redelivered").isZero();
  }

  @Test
  void aManifestWriteRefusedAfterTheDeltaWasUploaded_failsTheRecord_andTheRedeliveryAppliesItOnce() throws Exception {
    Insert insert = insertWith(FaultPoint.STORE_MANIFEST_REFUSED, "manifest-refused");

    assertThat(insert.reply().ok()).isTrue();
    assertThat(insert.reply().results().get(0).rowsAffected()).isEqualTo(1);
    assertThat(insert.rowsAfter()).isEqualTo(1L);
    assertThat(insert.failedRecords()).as("records failed and redelivered").isPositive();
  }

  /** An INSERT's reply, the table's row count after it, and the records failed meanwhile. */
  private record Insert(Reply reply, Object rowsAfter, long failedRecords) {}

  /** Creates a table in database {@code db}, then inserts one row with {@code point} armed to fire once. */
  private static Insert insertWith(FaultPoint point, String db) throws Exception {
    SqlqClient client = pipeline.client(db);
    client.submit("CREATE TABLE t(v INTEGER)").get(60, TimeUnit.SECONDS);
    long failedBefore = pipeline.local.failedRecords();
    pipeline.faults.arm(point, 1, 1);
    try {
      Reply reply = client.submit("INSERT INTO t VALUES (?)", 7).get(120, TimeUnit.SECONDS);
      Reply after = client.submit("SELECT count(*) FROM t").get(60, TimeUnit.SECONDS);
      assertThat(pipeline.faults.fired(point)).isEqualTo(1);
      long failed = pipeline.local.failedRecords() - failedBefore;
      return new Insert(reply, after.results().get(0).rows().get(0).get(0), failed);
    } finally {
      pipeline.faults.disarm();
    }
  }
}
