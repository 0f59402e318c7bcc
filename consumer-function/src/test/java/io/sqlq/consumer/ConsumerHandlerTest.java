package io.sqlq.consumer;

import static io.sqlq.consumer.SqsEvents.event;
import static io.sqlq.consumer.SqsEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
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
  private static final String REPLIES = "http://sqs/000000000000/sqlq-replies";
  private static final String DEAD_LETTERS = "http://sqs/000000000000/sqlq-dead-letter.fifo";

  private final ReplyCodec codec = new ReplyCodec();
  private final RequestCodec requestCodec = new RequestCodec();
  private final RecordingSqs sqs = new RecordingSqs();
  private final CountingStore store = new CountingStore(new InMemoryDatabaseStore());
  private final InMemoryLock lock = new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC());
  private final Faults faults = new Faults();
  private ConsumerHandler handler;

  @BeforeEach
  void build(@TempDir Path work) {
    Clock clock = Clock.systemUTC();
    var batch = new DatabaseBatch(lock, new FaultyDatabaseStore(store, faults),
        new BatchApplier(codec, clock, SqlqConfig.DEFAULT_APPLIED_RETENTION, faults), work, faults);
    handler = new ConsumerHandler(new ConsumerComponents(requestCodec, batch, new ReplySender(sqs, codec),
        new DeadLetters(sqs, DEAD_LETTERS, clock), REPLIES, Duration.ofSeconds(1), faults));
  }

  /**
   * The dedup table's test: every step at which the consumer can die leaves the records for
   * redelivery, and the redelivered request is applied once and answered once, with the reply
   * it first got when the crash came after its effect was published.
   */
  @ParameterizedTest
  @EnumSource(value = FaultPoint.class, mode = EnumSource.Mode.EXCLUDE, names = "AFTER_REPLIES")
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
    assertThat(repliesTo("i")).hasSize(1);
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
    var rival = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC()), store,
        new BatchApplier(codec, Clock.systemUTC()), other);
    rival.run("main", requestCodec.decodeRequests("{\"id\":\"rival\",\"sql\":\"INSERT INTO t VALUES ('rival')\"}",
        new io.sqlq.core.protocol.MessageContext("x", "main", null, REPLIES)), Duration.ofSeconds(1));

    handler.handleRequest(event(record("m2", "main", "{\"id\":\"n\",\"sql\":\"SELECT group_concat(v) FROM t\"}")), null);

    Reply reply = lastReplies().get(0);
    assertThat(reply.results().get(0).rows()).containsExactly(List.of("rival"));
    assertThat(reply.dbVersion()).isEqualTo(3);
  }

  @Test
  void aRefusedPublishFailsOnlyThatDatabasesRecordsAndSendsNoReplyForThem() {
    store.conflictOnNextPublishOf = "busy";
    SQSBatchResponse response = handler.handleRequest(event(
        record("b1", "busy", "{\"id\":\"b1\",\"sql\":\"SELECT 1\"}"),
        record("f1", "free", "{\"id\":\"f1\",\"sql\":\"SELECT 2\"}"),
        record("b2", "busy", "{\"id\":\"b2\",\"sql\":\"SELECT 3\"}")), null);

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
        new LocalContext("test", java.time.Instant.now().plusMillis(400), Clock.systemUTC(), 128));

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
    sqs.failingQueue = "http://sqs/000000000000/gone";
    sqs.failure = QueueDoesNotExistException.builder().statusCode(400).message("no such queue").build();

    SQSBatchResponse response = handler.handleRequest(event(
        record("c", "main", "{\"id\":\"c\",\"sql\":\"CREATE TABLE t(v)\",\"replyTo\":\"http://sqs/000000000000/gone\"}"),
        record("q", "main", "{\"id\":\"q\",\"sql\":\"SELECT count(*) FROM t\"}")), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(lastReplies()).extracting(Reply::id).containsExactly("q");
    assertThat(lastReplies().get(0).ok()).isTrue();
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
    public String publish(String db, Path file, String expectedEtag, long version) {
      if (db.equals(conflictOnNextPublishOf)) {
        conflictOnNextPublishOf = null;
        throw new io.sqlq.core.store.PublishConflictException("db/" + db + ".sqlite", expectedEtag, 412);
      }
      assertThat(Files.isRegularFile(file)).isTrue();
      return delegate.publish(db, file, expectedEtag, version);
    }
  }
}
