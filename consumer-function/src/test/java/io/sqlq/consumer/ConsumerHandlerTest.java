package io.sqlq.consumer;

import static io.sqlq.consumer.SqsEvents.event;
import static io.sqlq.consumer.SqsEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.consumer.faults.Faults;
import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The handler on in-memory twins of the store and lock, with a recording SQS client. */
class ConsumerHandlerTest {
  private static final String REPLIES = TestStack.REPLIES;
  private static final String DEAD_LETTERS = TestStack.DEAD_LETTERS;

  private final ReplyCodec codec = new ReplyCodec();
  private final RequestCodec requestCodec = new RequestCodec();
  private final RecordingSqs sqs = new RecordingSqs();
  private final CountingStore store = new CountingStore(new InMemoryDatabaseStore());
  private final InMemoryLock lock = new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC());
  private final Faults faults = new Faults();
  private ConsumerHandler handler;

  @BeforeEach
  void build(@TempDir Path work) {
    handler = ConsumerHandler.builder(TestStack.config(Duration.ofSeconds(1), null))
        .sqs(sqs).lock(lock).store(store).workDirectory(work).listener(faults).build();
  }

  /**
   * The dedup table's test: every step at which the consumer can die leaves the records for
   * redelivery, and the redelivered request is applied once and answered with the reply it first
   * got when the crash came after its effect was published. Only a crash after the replies were
   * sent answers it twice, with the same reply (the SDK drops the second). The points inside the
   * store's publish fire in its S3 client, which the in-memory store has none of: the store's moto
   * test and {@code WorkloadIT} cover them.
   */
  @ParameterizedTest
  @EnumSource(value = FaultPoint.class, mode = EnumSource.Mode.EXCLUDE,
      names = {"STORE_BEFORE_MANIFEST", "STORE_MANIFEST_REFUSED", "STORE_MANIFEST_ANSWER_LOST"})
  void aCrashAtAnyStepFailsTheRecordsAndTheRedeliveryAppliesTheRequestOnce(FaultPoint point) {
    handler.handleRequest(event(record("c", "main", "{\"id\":\"c\",\"sql\":\"CREATE TABLE t(v)\"}")), null);
    SQSEvent insert = event(record("i", "main", "{\"id\":\"i\",\"sql\":\"INSERT INTO t VALUES (1)\"}"));
    faults.arm(point, 1, 1);

    SQSBatchResponse crashed = handler.handleRequest(insert, null);
    SQSBatchResponse redelivered = handler.handleRequest(insert, null);
    handler.handleRequest(event(record("q", "main", "{\"id\":\"q\",\"sql\":\"SELECT count(*) FROM t\"}")), null);

    assertThat(faults.fired(point)).isEqualTo(1);
    assertThat(crashed.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier).containsExactly("i");
    assertThat(redelivered.getBatchItemFailures()).isEmpty();
    assertThat(repliesTo("i")).hasSize(point == FaultPoint.AFTER_REPLIES ? 2 : 1).containsOnly(repliesTo("i").get(0));
    assertThat(repliesTo("i").get(0).results().get(0).rowsAffected()).isEqualTo(1);
    assertThat(lastReplies().get(0).results().get(0).rows()).containsExactly(List.of(1L));
  }

  private List<Reply> repliesTo(String id) {
    return sqs.sentTo(REPLIES).stream().flatMap(m -> codec.decodeReplies(m.messageBody()).stream())
        .filter(r -> r.id().equals(id)).toList();
  }

  @Test
  void recordsOfOneDatabaseAreAppliedInOrderAndAnsweredInOneReplyMessage() {
    SQSBatchResponse response = handler.handleRequest(event(
        record("m1", "main", "{\"id\":\"a\",\"sql\":\"CREATE TABLE t(v)\"}"),
        record("m2", "main", "{\"id\":\"b\",\"sql\":\"INSERT INTO t VALUES (1)\"}"),
        record("m3", "main", "{\"id\":\"c\",\"sql\":\"SELECT count(*) FROM t\"}")), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(sqs.sentTo(REPLIES)).hasSize(1);
    List<Reply> replies = codec.decodeReplies(sqs.sentTo(REPLIES).get(0).messageBody());
    assertThat(replies).extracting(Reply::id).containsExactly("a", "b", "c");
    assertThat(replies.get(2).results().get(0).rows()).containsExactly(List.of(1L));
  }

  @Test
  void aWarmContainerDownloadsNothingWhenNoOneElseWrote() {
    handler.handleRequest(event(record("m1", "main", "{\"sql\":\"CREATE TABLE t(v)\"}")), null);
    handler.handleRequest(event(record("m2", "main", "{\"sql\":\"INSERT INTO t VALUES (1)\"}")), null);

    assertThat(store.downloads.get()).isZero();
    assertThat(store.unchanged.get()).isEqualTo(1);
  }

  @Test
  void aWriteByAnotherWriterIsFetchedBeforeTheNextBatch(@TempDir Path other) {
    handler.handleRequest(event(record("m1", "main", "{\"sql\":\"CREATE TABLE t(v)\"}")), null);
    var rival = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC()), store, other,
        BatchListener.NONE);
    rival.run("main", Duration.ofSeconds(1), TestStack.applying(requestCodec.decodeRequests(
        "{\"id\":\"rival\",\"sql\":\"INSERT INTO t VALUES ('rival')\"}",
        new io.sqlq.core.protocol.MessageContext("x", "main", null, REPLIES)), Clock.systemUTC()));

    handler.handleRequest(event(record("m2", "main", "{\"id\":\"n\",\"sql\":\"SELECT group_concat(v) FROM t\"}")), null);

    Reply reply = lastReplies().get(0);
    assertThat(reply.results().get(0).rows()).containsExactly(List.of("rival"));
    assertThat(reply.dbVersion()).as("a read publishes nothing and answers at the version it read").isEqualTo(2);
  }

  @Test
  void aRefusedPublishFailsOnlyThatDatabasesRecordsAndSendsNoReplyForThem() {
    store.conflictOnNextPublishOf = "busy";
    SQSBatchResponse response = handler.handleRequest(event(
        record("b1", "busy", "{\"id\":\"b1\",\"sql\":\"CREATE TABLE a(v)\"}"),
        record("f1", "free", "{\"id\":\"f1\",\"sql\":\"CREATE TABLE b(v)\"}"),
        record("b2", "busy", "{\"id\":\"b2\",\"sql\":\"CREATE TABLE c(v)\"}")), null);

    assertThat(response.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier)
        .containsExactly("b1", "b2");
    assertThat(lastReplies()).extracting(Reply::id).containsExactly("f1");
  }

  @Test
  void aLockHeldPastTheWaitBudgetFailsThatDatabasesRecordsForRedeliveryAndAppliesTheOthers() {
    lock.acquire("busy", Duration.ZERO);

    SQSBatchResponse response = handler.handleRequest(event(
        record("b1", "busy", "{\"id\":\"b1\",\"sql\":\"SELECT 1\"}"),
        record("f1", "free", "{\"id\":\"f1\",\"sql\":\"SELECT 2\"}"),
        record("b2", "busy", "{\"id\":\"b2\",\"sql\":\"SELECT 3\"}")),
        SqsEvents.context(400));

    assertThat(response.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier)
        .containsExactly("b1", "b2");
    assertThat(lastReplies()).extracting(Reply::id).containsExactly("f1");
  }

  @Test
  void anUndecodableRecordIsDeadLetteredWithItsReasonAndTheRestOfItsGroupIsApplied() {
    SQSBatchResponse response = handler.handleRequest(event(
        record("p1", "main", "{\"v\":9,\"sql\":\"SELECT 1\"}"),
        record("ok", "main", "{\"id\":\"ok\",\"sql\":\"SELECT 1\"}")), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    SendMessageRequest dead = sqs.sentTo(DEAD_LETTERS).get(0);
    assertThat(dead.messageBody()).isEqualTo("{\"v\":9,\"sql\":\"SELECT 1\"}");
    assertThat(dead.messageGroupId()).isEqualTo("main");
    assertThat(dead.messageAttributes().get(DeadLetters.ERROR_ATTRIBUTE).stringValue())
        .contains("unsupported protocol version 9");
    assertThat(dead.messageAttributes().get("sqlq-request-id").stringValue()).isEqualTo("p1");
    assertThat(lastReplies()).extracting(Reply::id).containsExactly("ok");
  }

  @Test
  void anUndecodableRecordThatCannotBeDeadLetteredIsFailedNotLost() {
    sqs.failingQueue = DEAD_LETTERS;
    sqs.failure = (SqsException) SqsException.builder().statusCode(503)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").build()).message("down").build();

    SQSBatchResponse response = handler.handleRequest(event(record("p1", "main", "not json")), null);

    assertThat(response.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier).containsExactly("p1");
  }

  @Test
  void aTransientReplyFailureFailsTheRecordsAndTheRetryIsAnsweredWithoutApplyingTwice() {
    sqs.failingQueue = REPLIES;
    sqs.failure = (SqsException) SqsException.builder().statusCode(500)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").build()).message("boom").build();
    handler.handleRequest(event(record("c", "main", "{\"id\":\"c\",\"sql\":\"CREATE TABLE t(v)\"}")), null);
    SQSBatchResponse first = handler.handleRequest(event(
        record("i", "main", "{\"id\":\"i\",\"sql\":\"INSERT INTO t VALUES (1)\"}")), null);
    sqs.failingQueue = null;

    SQSBatchResponse retry = handler.handleRequest(event(
        record("i", "main", "{\"id\":\"i\",\"sql\":\"INSERT INTO t VALUES (1)\"}"),
        record("q", "main", "{\"id\":\"q\",\"sql\":\"SELECT count(*) FROM t\"}")), null);

    assertThat(first.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier).containsExactly("i");
    assertThat(retry.getBatchItemFailures()).isEmpty();
    assertThat(lastReplies().get(1).results().get(0).rows()).containsExactly(List.of(1L));
  }

  @Test
  void aReplyQueueThatDoesNotExistLosesOnlyItsRepliesNotTheWrites() {
    sqs.failingQueue = REPLIES + "-gone";
    sqs.failure = QueueDoesNotExistException.builder().statusCode(400).message("no such queue").build();

    SQSBatchResponse response = handler.handleRequest(event(
        record("c", "main", "{\"id\":\"c\",\"sql\":\"CREATE TABLE t(v)\",\"replyTo\":\"" + REPLIES + "-gone\"}"),
        record("q", "main", "{\"id\":\"q\",\"sql\":\"SELECT count(*) FROM t\"}")), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(lastReplies()).extracting(Reply::id).containsExactly("q");
    assertThat(lastReplies().get(0).ok()).isTrue();
  }

  /**
   * The one way to build a consumer installs the guards Lambda's consumer has, whatever the
   * caller sets: a request naming a reply queue outside the stack is not applied and is answered
   * on the default reply queue, and a statement runs under the configured statement timeout.
   */
  @Test
  void theBuilderAlwaysGuardsRequestsWithTheStacksReplyQueuesAndStatementTimeout(@TempDir Path work) {
    String foreign = "http://sqs.local/000000000000/someone-elses-queue";
    ConsumerHandler guarded = ConsumerHandler.builder(TestStack.config(Duration.ofSeconds(1), Duration.ofMillis(50)))
        .sqs(sqs).lock(lock).store(store).workDirectory(work).build();

    guarded.handleRequest(event(
        record("f", "main", "{\"id\":\"f\",\"sql\":\"CREATE TABLE t(v)\",\"replyTo\":\"" + foreign + "\"}"),
        record("s", "main", "{\"id\":\"s\",\"sql\":\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1"
            + " FROM c) SELECT count(*) FROM c\"}"),
        record("q", "main", "{\"id\":\"q\",\"sql\":\"SELECT count(*) FROM sqlite_schema WHERE name = 't'\"}")),
        null);

    assertThat(sqs.sentTo(foreign)).isEmpty();
    List<Reply> replies = lastReplies();
    assertThat(replies).extracting(Reply::id).containsExactly("f", "s", "q");
    assertThat(replies.get(0).error().code()).isEqualTo(ReplyError.REPLY_QUEUE_REFUSED);
    assertThat(replies.get(1).error().code()).isEqualTo(ReplyError.STATEMENT_TIMEOUT);
    assertThat(replies.get(2).results().get(0).rows()).as("the refused CREATE TABLE was not applied")
        .containsExactly(List.of(0L));
  }

  @Test
  void theBuilderRefusesAConsumerWithoutSqsLockOrStore() {
    assertThatThrownBy(() -> ConsumerHandler.builder(TestStack.config(Duration.ofSeconds(1), null))
        .sqs(sqs).lock(lock).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a lock and a store");
  }

  private List<Reply> lastReplies() {
    List<SendMessageRequest> sent = sqs.sentTo(REPLIES);
    return codec.decodeReplies(sent.get(sent.size() - 1).messageBody());
  }

  /** Records sends; fails those to {@code failingQueue} with {@code failure}. */
  private static final class RecordingSqs implements SqsClient {
    final List<SendMessageRequest> sent = new ArrayList<>();
    String failingQueue;
    SqsException failure;

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
      if (request.queueUrl().equals(failingQueue)) {
        throw failure;
      }
      sent.add(request);
      return SendMessageResponse.builder().messageId("sent-" + sent.size()).build();
    }

    List<SendMessageRequest> sentTo(String queueUrl) {
      return sent.stream().filter(r -> r.queueUrl().equals(queueUrl)).toList();
    }

    @Override
    public String serviceName() {
      return "sqs";
    }

    @Override
    public void close() {}
  }

  /** Counts what fetches found, and can refuse one publish as a concurrent writer would. */
  private static final class CountingStore implements DatabaseStore {
    private final DatabaseStore delegate;
    final AtomicInteger downloads = new AtomicInteger();
    final AtomicInteger unchanged = new AtomicInteger();
    String conflictOnNextPublishOf;

    CountingStore(DatabaseStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Fetched fetch(String db, String cachedEtag, Path target) {
      Fetched fetched = delegate.fetch(db, cachedEtag, target);
      switch (fetched) {
        case Fetched.Downloaded d -> downloads.incrementAndGet();
        case Fetched.Unchanged u -> unchanged.incrementAndGet();
        case Fetched.Missing m -> { }
      }
      return fetched;
    }

    @Override
    public Published publish(String db, Path file, String expectedEtag, long version) {
      if (db.equals(conflictOnNextPublishOf)) {
        conflictOnNextPublishOf = null;
        throw new io.sqlq.core.store.PublishConflictException("db/" + db + ".sqlite", expectedEtag, 412);
      }
      assertThat(Files.isRegularFile(file)).isTrue();
      return delegate.publish(db, file, expectedEtag, version);
    }
  }
}
