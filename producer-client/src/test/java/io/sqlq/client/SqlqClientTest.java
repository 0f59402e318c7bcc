package io.sqlq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.InvalidDatabaseNameException;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.protocol.Sequence;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.protocol.StatementResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * SqlqClient against an in-memory SQS and a fake consumer. The client's clock stands still
 * unless a test moves it, so a bundle is sealed by linger only when {@link #flush()} says so:
 * what travels together is decided by the limits under test, never by thread timing.
 */
class SqlqClientTest {
  /** An S3 client for clients built for a stack; these tests never make it call S3. */
  static final S3Client UNUSED_S3 = S3Client.builder().region(Region.US_EAST_1)
      .credentialsProvider(AnonymousCredentialsProvider.create()).httpClient(UrlConnectionHttpClient.create()).build();
  static final String REQUESTS = "https://sqs.local/000000000000/sqlq-requests.fifo";
  static final String REPLIES = "https://sqs.local/000000000000/sqlq-replies-client-1";
  static final String DEFAULT_REPLIES = "https://sqs.local/000000000000/sqlq-replies";
  static final Duration LINGER = Duration.ofMillis(20);
  /** Request timeout, and the longest a test waits for anything. */
  static final Duration WAIT = Duration.ofSeconds(2);
  static final String INSERT = "INSERT INTO t(a) VALUES (?)";
  /** The maxBlock of the in-flight tests: below {@link #WAIT}, so no request times out meanwhile. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(1);

  final FakeSqs sqs = new FakeSqs();
  final FakeConsumer consumer = new FakeConsumer(sqs, REQUESTS, DEFAULT_REPLIES);
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final AtomicInteger ids = new AtomicInteger();
  final RequestCodec codec = new RequestCodec();
  SqlqClient client;

  /** The test's settings with the caller's reply queue {@link #REPLIES}. */
  SqlqClient.Builder builder() {
    return withoutReplyQueue().replyQueueUrl(REPLIES);
  }

  SqlqClient.Builder withoutReplyQueue() {
    return SqlqClient.builder().sqs(sqs).requestQueueUrl(REQUESTS).defaultDatabase("main")
        .linger(LINGER).requestTimeout(WAIT).replyWaitTime(Duration.ofSeconds(1))
        .idSupplier(() -> id(ids.incrementAndGet())).clock(clock);
  }

  static String id(int n) {
    return String.format("r-%04d", n);
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  // ------------------------------------------------------------- replies

  @Test
  void submitCompletesItsFutureWithTheReplyToItsRequest() throws Exception {
    client = builder().build();

    CompletableFuture<Reply> future = client.submit("INSERT INTO t(a, b) VALUES (?, ?)", 1, "x");
    flush();

    Reply reply = await(future);
    assertThat(reply.ok()).isTrue();
    assertThat(reply.id()).isEqualTo("r-0001");
    assertThat(reply.db()).isEqualTo("main");
    assertThat(reply.results()).containsExactly(StatementResult.changes(1, 1));
    Request seen = consumer.messages().get(0).get(0);
    assertThat(seen.id()).isEqualTo("r-0001");
    assertThat(seen.statements()).containsExactly(Statement.of("INSERT INTO t(a, b) VALUES (?, ?)", 1L, "x"));
    assertThat(seen.replyTo()).as("the bundle names the client's reply queue").isEqualTo(REPLIES);
  }

  @Test
  void anErrorReplyCompletesTheFutureNormally() throws Exception {
    client = builder().build();

    CompletableFuture<Reply> future = client.submit("BAD SQL");
    flush();

    Reply reply = await(future);
    assertThat(reply.ok()).isFalse();
    assertThat(reply.error().code()).isEqualTo("SQLITE_ERROR");
  }

  @Test
  void submitTransactionSendsItsStatementsAsOneRequest() throws Exception {
    client = builder().build();
    List<Statement> statements = List.of(Statement.of(INSERT, 1), Statement.named("UPDATE t SET a = :a", Map.of("a", 2)));

    CompletableFuture<Reply> toDefault = client.submitTransaction(statements);
    CompletableFuture<Reply> toOther = client.database("other").submitTransaction(statements);
    flush();

    assertThat(await(toDefault).results()).hasSize(2);
    assertThat(await(toOther).db()).isEqualTo("other");
    assertThat(consumer.messages().stream().flatMap(List::stream))
        .allSatisfy(r -> assertThat(r.statements()).hasSize(2));
  }

  @Test
  void aStatementGoesToTheDefaultDatabaseAndADatabaseViewToItsOwn() throws Exception {
    client = builder().build();

    CompletableFuture<Reply> toDefault = client.submit(Statement.named("UPDATE t SET a = :a", Map.of("a", 1)));
    DatabaseClient other = client.database("other");
    CompletableFuture<Reply> toOther = other.submit(INSERT, 2);
    flush();

    assertThat(await(toDefault).db()).isEqualTo("main");
    assertThat(await(toOther).db()).isEqualTo("other");
    assertThat(other.name()).isEqualTo("other");
    assertThat(consumer.requestIds("main")).containsExactly("r-0001");
    assertThat(consumer.requestIds("other")).containsExactly("r-0002");
  }

  @Test
  void aViewOfAnInvalidDatabaseNameIsRefusedAtOnce() {
    client = builder().build();

    assertThatThrownBy(() -> client.database("no spaces"))
        .isInstanceOf(InvalidDatabaseNameException.class).hasMessageContaining("'no spaces'");
  }

  @Test
  void aDuplicateReplyIsIgnored() throws Exception {
    consumer.replyTwice();
    client = builder().build();

    CompletableFuture<Reply> first = client.submit(INSERT, 1);
    flush();

    assertThat(await(first).dbVersion()).as("the first reply wins").isEqualTo(1);
    eventually(() -> sqs.deletedMessageIds().size() == 2, "both reply messages deleted");
    CompletableFuture<Reply> second = client.submit(INSERT, 2);
    flush();
    assertThat(await(second).dbVersion()).as("the listener carries on").isEqualTo(2);
  }

  @Test
  void aReplyQueueThatDoesNotExistFailsTheWaitingFuturesWithTheReasonInsteadOfATimeout() {
    sqs.removeQueue(REPLIES);
    client = builder().build();

    CompletableFuture<Reply> future = client.submit(INSERT, 1);
    flush();

    assertThatThrownBy(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(AwsCallFailedException.class)
        .hasMessageContaining("reply queue " + REPLIES)
        .hasMessageContaining("does not exist");
  }

  @Test
  void theListenerSurvivesReceiveErrorsAndDeletesAReplyThatDoesNotDecode() throws Exception {
    String junk = sqs.put(REPLIES, "not json");
    sqs.failNextReceives(2);
    client = builder().build();

    CompletableFuture<Reply> future = client.submit(INSERT, 1);
    flush();

    assertThat(await(future).ok()).isTrue();
    eventually(() -> sqs.deletedMessageIds().contains(junk), "the undecodable reply deleted");
  }

  // ------------------------------------------------------------- own reply queue

  @Test
  void anOwnReplyQueueIsCreatedAfterTheDefaultOneUsedForRepliesAndDeletedOnlyAfterTheListenerStopped()
      throws Exception {
    client = withoutReplyQueue().defaultReplyQueueUrl(DEFAULT_REPLIES).ownReplyQueue().build();

    CreateQueueRequest created = sqs.createdQueues().getFirst();
    assertThat(sqs.createdQueues()).hasSize(1);
    assertThat(created.queueName()).matches("sqlq-replies-[0-9a-f]{12}");
    assertThat(created.tags()).containsKey(OwnReplyQueue.TAG_OWNER)
        .containsEntry(OwnReplyQueue.TAG_CREATED_AT, Long.toString(clock.millis()));
    String url = client.replyQueueUrl();
    assertThat(url).isEqualTo("https://sqs.local/000000000000/" + created.queueName());
    CompletableFuture<Reply> future = client.submit(INSERT, 1);
    flush();
    assertThat(await(future).ok()).isTrue();
    assertThat(consumer.messages().getFirst().getFirst().replyTo()).isEqualTo(url);
    assertThat(sqs.deletedQueues()).isEmpty();
    eventually(() -> sqs.receivingNow(url) == 1, "the listener is in its next long poll");

    client.close();

    assertThat(sqs.deletedQueues()).containsExactly(url);
    assertThat(sqs.receivesOfDeletedQueues()).as("receives of the queue during or after its deletion").isZero();
    assertThat(sqs.closed()).as("the caller's SqsClient stays open").isFalse();
  }

  @Test
  void aBuildThatFailsAfterCreatingItsReplyQueueDeletesItAgain() {
    assertThatThrownBy(() -> withoutReplyQueue().defaultReplyQueueUrl(DEFAULT_REPLIES).ownReplyQueue()
        .maxBundleBytes(20).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxBundleBytes 20");

    assertThat(sqs.createdQueues()).hasSize(1);
    assertThat(sqs.deletedQueues()).containsExactly(
        "https://sqs.local/000000000000/" + sqs.createdQueues().getFirst().queueName());
  }

  @Test
  void closeReportsAReplyQueueItCouldNotDeleteAfterStoppingEverythingElse() {
    sqs.failDeleteQueue();
    consumer.mode(FakeConsumer.Mode.DROP);
    client = withoutReplyQueue().defaultReplyQueueUrl(DEFAULT_REPLIES).ownReplyQueue().build();
    CompletableFuture<Reply> unanswered = client.submit(INSERT, 1);

    assertThatThrownBy(client::close)
        .isInstanceOf(AwsCallFailedException.class).hasMessageContaining("DeleteQueue " + client.replyQueueUrl());

    assertThat(failure(unanswered)).isInstanceOf(ClientClosedException.class);
    assertThat(failure(client.submit(INSERT, 2))).isInstanceOf(ClientClosedException.class);
  }

  // ------------------------------------------------------------- a client for a stack (fromEnvironment)

  static final SqlqConfig STACK = new SqlqConfig("us-east-1", null, "bucket", null, REQUESTS, DEFAULT_REPLIES,
      "https://sqs.local/000000000000/sqlq-dead-letters.fifo", "vpc-1", null, null, null, null);

  /** What fromEnvironment gives the client to close, recording when each was closed. */
  List<Runnable> closers(List<String> events) {
    return List.of(() -> events.add("sqs closed after deleting " + sqs.deletedQueues()),
        () -> events.add("aws closed"));
  }

  SqlqClient.Builder testSettings(SqlqClient.Builder b) {
    return b.defaultDatabase("main").linger(LINGER).requestTimeout(WAIT).replyWaitTime(Duration.ofSeconds(1))
        .idSupplier(() -> id(ids.incrementAndGet())).clock(clock);
  }

  @Test
  void aClientForAStackUsesItsQueuesAndClosesWhatItWasGivenAfterDeletingItsOwnReplyQueue() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    client = SqlqClient.forStack(STACK, sqs, SqlqClientTest.UNUSED_S3, closers(events), this::testSettings);

    CompletableFuture<Reply> future = client.submit(INSERT, 1);
    flush();

    assertThat(await(future).ok()).isTrue();
    assertThat(client.replyQueueUrl()).startsWith(DEFAULT_REPLIES + "-");
    assertThat(consumer.messages().getFirst().getFirst().replyTo()).isEqualTo(client.replyQueueUrl());
    assertThat(events).isEmpty();
    client.close();
    assertThat(events).containsExactly("sqs closed after deleting [" + client.replyQueueUrl() + "]", "aws closed");
  }

  @Test
  void aClientForAStackRefusesAnotherSqsClientOrReplyQueueAndClosesWhatItWasGiven() {
    List<String> events = new CopyOnWriteArrayList<>();

    assertThatThrownBy(() -> SqlqClient.forStack(STACK, sqs, SqlqClientTest.UNUSED_S3, closers(events), b -> b.sqs(new FakeSqs())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("its own SqsClient and store");
    assertThat(events).containsExactly("sqs closed after deleting []", "aws closed");
    events.clear();
    assertThatThrownBy(() -> SqlqClient.forStack(STACK, sqs, SqlqClientTest.UNUSED_S3, closers(events), b -> b.replyQueueUrl(REPLIES)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("replyQueueUrl(...) and ownReplyQueue()");
    assertThat(events).containsExactly("sqs closed after deleting []", "aws closed");
    assertThat(sqs.createdQueues()).isEmpty();
  }

  @Test
  void aClientForAStackStillClosesWhatItWasGivenWhenItsReplyQueueCannotBeDeleted() {
    sqs.failDeleteQueue();
    List<String> events = new CopyOnWriteArrayList<>();
    client = SqlqClient.forStack(STACK, sqs, SqlqClientTest.UNUSED_S3, closers(events), this::testSettings);

    assertThatThrownBy(client::close).isInstanceOf(AwsCallFailedException.class);

    assertThat(events).containsExactly("sqs closed after deleting []", "aws closed");
  }

  // ------------------------------------------------------------- bundling

  @Test
  void manyQuickSubmitsTravelAsAFewBundlesEachAsFullAsTheLimitsAllow() throws Exception {
    int maxBytes = 4_000;
    int maxRequests = 64;
    client = builder().maxBundleBytes(maxBytes).maxBundleRequests(maxRequests).build();

    List<CompletableFuture<Reply>> futures = IntStream.range(0, 500).mapToObj(i -> client.submit(INSERT, i)).toList();
    flush();

    for (int i = 0; i < futures.size(); i++) {
      assertThat(await(futures.get(i)).id()).isEqualTo(id(i + 1));
    }
    List<SendMessageRequest> sent = sqs.sent(REQUESTS);
    List<List<Request>> messages = consumer.messages();
    assertThat(sent).hasSizeBetween(500 / maxRequests, 20);
    assertThat(sent).allSatisfy(m -> assertThat(MessageSizes.utf8Length(m.messageBody())).isLessThanOrEqualTo(maxBytes));
    assertThat(messages).allSatisfy(m -> assertThat(m).hasSizeLessThanOrEqualTo(maxRequests));
    for (int i = 0; i + 1 < messages.size(); i++) {
      int bytesWithNext = MessageSizes.utf8Length(sent.get(i).messageBody()) + 1 + elementBytes(messages.get(i + 1).get(0));
      assertThat(messages.get(i).size() == maxRequests || bytesWithNext > maxBytes)
          .as("message %d was sealed only because the next request did not fit", i).isTrue();
    }
  }

  @Test
  void exactlyMaxBundleRequestsTravelTogetherAndOneMoreStartsTheNextBundle() throws Exception {
    client = builder().maxBundleRequests(3).build();

    List<CompletableFuture<Reply>> futures = submitInserts(4);
    sqs.awaitSent(REQUESTS, 1, WAIT);
    assertThat(consumer.messages()).as("a full bundle goes at once, the fourth request lingers")
        .singleElement().asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(3);
    flush();

    awaitAll(futures);
    assertThat(consumer.messages()).extracting(List::size).containsExactly(3, 1);
  }

  @Test
  void aBundleOfExactlyMaxBundleBytesIsSentWhole() throws Exception {
    int exact = MessageSizes.requestBundleOverheadBytes(REPLIES) + 3 * elementBytes(insertRequest(1, 1)) + 2;
    client = builder().maxBundleBytes(exact).build();

    List<CompletableFuture<Reply>> futures = submitInserts(4);
    flush();

    awaitAll(futures);
    assertThat(consumer.messages()).extracting(List::size).containsExactly(3, 1);
    assertThat(MessageSizes.utf8Length(sqs.sent(REQUESTS).get(0).messageBody())).isEqualTo(exact);
  }

  @Test
  void aBundleOneByteOverMaxBundleBytesIsSplit() throws Exception {
    int exact = MessageSizes.requestBundleOverheadBytes(REPLIES) + 3 * elementBytes(insertRequest(1, 1)) + 2;
    client = builder().maxBundleBytes(exact - 1).build();

    List<CompletableFuture<Reply>> futures = submitInserts(4);
    flush();

    awaitAll(futures);
    assertThat(consumer.messages()).extracting(List::size).containsExactly(2, 2);
  }

  @Test
  void aRequestThatAloneFillsMaxBundleBytesIsSent() throws Exception {
    client = builder().maxBundleBytes(MessageSizes.requestBundleOverheadBytes(REPLIES) + elementBytes(insertRequest(1, Long.MAX_VALUE))).build();

    CompletableFuture<Reply> future = client.submit(INSERT, 1);
    flush();

    assertThat(await(future).ok()).isTrue();
  }

  @Test
  void aRequestOneByteOverMaxBundleBytesFailsAtSubmitAndNothingIsSent() {
    // A request is measured with the longest number it could get, since it is numbered only when queued.
    int bytes = MessageSizes.requestBundleOverheadBytes(REPLIES) + elementBytes(insertRequest(1, Long.MAX_VALUE));
    client = builder().maxBundleBytes(bytes - 1).build();

    CompletableFuture<Reply> future = client.submit(INSERT, 1);

    assertThat(future).isCompletedExceptionally();
    assertThat(failure(future)).isInstanceOfSatisfying(RequestTooLargeException.class, e -> {
      assertThat(e.requestId()).isEqualTo("r-0001");
      assertThat(e.bytes()).isEqualTo(bytes);
      assertThat(e.maxBytes()).isEqualTo(bytes - 1);
      assertThat(e.retryable()).isFalse();
    });
    flush();
    assertThat(sqs.sent(REQUESTS)).isEmpty();
  }

  @Test
  void anOversizedRequestFailsWhileTheOthersGoThrough() throws Exception {
    client = builder().maxBundleBytes(2_000).build();

    CompletableFuture<Reply> before = client.submit(INSERT, 1);
    CompletableFuture<Reply> huge = client.submit(INSERT, "x".repeat(3_000));
    CompletableFuture<Reply> after = client.submit(INSERT, 3);
    assertThat(huge).isCompletedExceptionally();
    flush();

    assertThat(await(before).ok()).isTrue();
    assertThat(await(after).ok()).isTrue();
    assertThat(failure(huge)).isInstanceOf(RequestTooLargeException.class);
    assertThat(consumer.requestIds("main")).containsExactly("r-0001", "r-0003");
  }

  @Test
  void withPayloadsAnOversizedRequestTravelsAloneAfterTheBundleBeforeItInSubmitOrder() throws Exception {
    // Under one SQS message, so the extended client passes it to SQS as it is: the fake sees it.
    client = builder().maxBundleBytes(2_000).payloads(UNUSED_S3, "bucket", "payloads/").build();

    List<CompletableFuture<Reply>> futures = List.of(client.submit(INSERT, 1), client.submit(INSERT, 2),
        client.submit(INSERT, "x".repeat(3_000)), client.submit(INSERT, 4));
    flush();

    for (CompletableFuture<Reply> future : futures) {
      assertThat(await(future).ok()).isTrue();
    }
    assertThat(consumer.messages()).extracting(m -> m.stream().map(Request::id).toList())
        .containsExactly(List.of("r-0001", "r-0002"), List.of("r-0003"), List.of("r-0004"));
  }

  @Test
  void aLoneRequestIsSentOnceItsLingerHasPassed() throws Exception {
    client = builder().build();

    CompletableFuture<Reply> future = client.submit(INSERT, 1);
    TimeUnit.MILLISECONDS.sleep(5 * LINGER.toMillis());
    assertThat(sqs.sent(REQUESTS)).as("the client's clock has not moved").isEmpty();
    clock.advance(LINGER.minusMillis(1));
    TimeUnit.MILLISECONDS.sleep(5 * LINGER.toMillis());
    assertThat(sqs.sent(REQUESTS)).as("one millisecond short of linger").isEmpty();
    clock.advance(Duration.ofMillis(1));

    assertThat(await(future).ok()).isTrue();
  }

  @Test
  void aLoneRequestIsSentAfterLingerOnTheSystemClock() throws Exception {
    client = builder().clock(Clock.systemUTC()).build();

    assertThat(await(client.submit(INSERT, 1)).ok()).isTrue();
  }

  @Test
  void eachDatabaseReceivesItsRequestsInSubmitOrderAcrossBundles() throws Exception {
    client = builder().maxBundleRequests(7).build();
    List<String> alpha = new ArrayList<>();
    List<String> beta = new ArrayList<>();
    List<CompletableFuture<Reply>> futures = new ArrayList<>();

    for (int i = 1; i <= 100; i++) {
      boolean toBeta = i % 3 == 0;
      futures.add(client.database(toBeta ? "beta" : "alpha").submit(INSERT, i));
      (toBeta ? beta : alpha).add(id(i));
    }
    flush();
    awaitAll(futures);

    assertThat(consumer.requestIds("alpha")).containsExactlyElementsOf(alpha);
    assertThat(consumer.requestIds("beta")).containsExactlyElementsOf(beta);
    assertThat(consumer.messages()).hasSizeGreaterThan(2 * 2);
  }

  @Test
  void eachDatabaseNumbersItsRequestsFromOneInSubmitOrderUnderOneProducerIdPerClient() throws Exception {
    client = builder().maxBundleRequests(3).build();
    List<CompletableFuture<Reply>> futures = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      futures.add(client.database(i % 2 == 0 ? "beta" : "alpha").submit(INSERT, i));
    }
    flush();
    awaitAll(futures);
    client.close();
    client = builder().build();
    futures = List.of(client.database("alpha").submit(INSERT, 11));
    flush();
    awaitAll(futures);

    List<Request> sent = consumer.messages().stream().flatMap(List::stream).toList();
    Map<String, List<Long>> numbers = new TreeMap<>();
    sent.subList(0, 10).forEach(r -> numbers.computeIfAbsent(r.db(), db -> new ArrayList<>()).add(r.sequence().number()));
    assertThat(numbers).containsExactly(Map.entry("alpha", List.of(1L, 2L, 3L, 4L, 5L)),
        Map.entry("beta", List.of(1L, 2L, 3L, 4L, 5L)));
    assertThat(sent.subList(0, 10)).extracting(r -> r.sequence().producer()).containsOnly(sent.get(0).sequence().producer());
    assertThat(sent.get(10).sequence().number()).isEqualTo(1);
    assertThat(sent.get(10).sequence().producer()).as("a new client is a new producer")
        .isNotEqualTo(sent.get(0).sequence().producer());
  }

  @Test
  void aSubmitRefusedAsTooLargeUsesNoSequenceNumber() throws Exception {
    int bytes = MessageSizes.requestBundleOverheadBytes(REPLIES) + elementBytes(insertRequest(1, Long.MAX_VALUE));
    client = builder().maxBundleBytes(bytes).build();

    CompletableFuture<Reply> first = client.submit(INSERT, 1);
    assertThat(client.submit(INSERT, "x".repeat(100))).isCompletedExceptionally();
    CompletableFuture<Reply> third = client.submit(INSERT, 3);
    flush();
    awaitAll(List.of(first, third));

    assertThat(consumer.messages().stream().flatMap(List::stream).map(r -> r.sequence().number()))
        .containsExactly(1L, 2L);
  }

  @Test
  void theGroupIdIsTheDatabaseAndTheDeduplicationIdIsTheBundlesFirstRequestId() throws Exception {
    client = builder().maxBundleRequests(2).build();

    List<CompletableFuture<Reply>> futures = new ArrayList<>();
    for (String db : List.of("alpha", "beta", "alpha", "beta", "alpha")) {
      futures.add(client.database(db).submit(Statement.of(INSERT, 1)));
    }
    flush();
    awaitAll(futures);

    List<SendMessageRequest> sent = sqs.sent(REQUESTS);
    List<List<Request>> messages = consumer.messages();
    assertThat(sent).hasSize(3);
    for (int i = 0; i < sent.size(); i++) {
      String group = sent.get(i).messageGroupId();
      assertThat(messages.get(i)).allSatisfy(r -> assertThat(r.db()).isEqualTo(group));
      assertThat(sent.get(i).messageDeduplicationId()).isEqualTo(messages.get(i).get(0).id());
    }
    assertThat(sent).extracting(SendMessageRequest::messageDeduplicationId).doesNotHaveDuplicates();
  }

  // ------------------------------------------------------------- failures

  @Test
  void aRequestWithoutReplyTimesOutAndFreesItsInFlightSlot() throws Exception {
    consumer.mode(FakeConsumer.Mode.DROP);
    client = builder().maxInFlight(1).build();

    CompletableFuture<Reply> lost = client.submit(INSERT, 1);
    clock.advance(WAIT);

    assertThat(failure(lost)).isInstanceOfSatisfying(SqlqTimeoutException.class, e -> {
      assertThat(e.requestId()).isEqualTo("r-0001");
      assertThat(e.database()).isEqualTo("main");
      assertThat(e.timeout()).isEqualTo(WAIT);
      assertThat(e).hasMessageContaining("may still have been applied");
    });
    consumer.mode(FakeConsumer.Mode.REPLY);
    CompletableFuture<Reply> next = CompletableFuture.supplyAsync(() -> client.submit(INSERT, 2))
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    flush();
    assertThat(await(next).ok()).isTrue();
  }

  @Test
  void aFailedSendFailsOnlyTheFuturesOfThatBundle() throws Exception {
    sqs.failSendsWhen(r -> r.queueUrl().equals(REQUESTS) && r.messageBody().contains("\"r-0003\""));
    client = builder().maxBundleRequests(2).build();

    List<CompletableFuture<Reply>> futures = submitInserts(6);

    for (int i : List.of(0, 1, 4, 5)) {
      assertThat(await(futures.get(i)).ok()).isTrue();
    }
    for (int i : List.of(2, 3)) {
      assertThat(failure(futures.get(i))).isInstanceOfSatisfying(AwsCallFailedException.class, e -> {
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.retryable()).isTrue();
        assertThat(e.operation()).contains("SendMessage");
      });
    }
  }

  @Test
  void aSubmitBeyondMaxInFlightWaitsForAReplyThatComesWithinMaxBlock() throws Exception {
    consumer.mode(FakeConsumer.Mode.HOLD);
    client = builder().maxInFlight(1).maxBlock(MAX_BLOCK).build();
    CompletableFuture<Reply> first = client.submit(INSERT, 1);
    flush();
    sqs.awaitSent(REQUESTS, 1, WAIT);

    AtomicReference<CompletableFuture<Reply>> second = new AtomicReference<>();
    Thread submitter = Thread.ofPlatform().start(() -> second.set(client.submit(INSERT, 2)));
    eventually(() -> submitter.getState() == Thread.State.TIMED_WAITING, "the second submit blocks");
    clock.advance(MAX_BLOCK.minusMillis(1));
    stillBlocked(submitter, second);
    consumer.mode(FakeConsumer.Mode.REPLY);
    consumer.release();

    assertThat(await(first).ok()).isTrue();
    submitter.join(WAIT);
    flush();
    assertThat(await(second.get()).ok()).isTrue();
    assertThat(consumer.requestIds("main")).containsExactly("r-0001", "r-0002");
  }

  @Test
  void aSubmitBeyondMaxInFlightFailsWithInFlightLimitExceptionWhenNoSlotFreesWithinMaxBlock() throws Exception {
    consumer.mode(FakeConsumer.Mode.HOLD);
    client = builder().maxInFlight(1).maxBlock(MAX_BLOCK).build();
    CompletableFuture<Reply> first = client.submit(INSERT, 1);

    AtomicReference<CompletableFuture<Reply>> second = new AtomicReference<>();
    Thread submitter = Thread.ofPlatform().start(() -> second.set(client.submit(INSERT, 2)));
    eventually(() -> submitter.getState() == Thread.State.TIMED_WAITING, "the second submit blocks");
    clock.advance(MAX_BLOCK.minusMillis(1));
    stillBlocked(submitter, second);
    clock.advance(Duration.ofMillis(1));
    submitter.join(WAIT);

    assertThat(failure(second.get())).isInstanceOfSatisfying(InFlightLimitException.class, e -> {
      assertThat(e.database()).isEqualTo("main");
      assertThat(e.maxInFlight()).isEqualTo(1);
      assertThat(e.waitedMs()).isEqualTo(MAX_BLOCK.toMillis());
      assertThat(e.retryable()).isTrue();
      assertThat(e).hasMessageContaining("nothing was sent");
    });
    consumer.release();
    assertThat(await(first).ok()).as("the request holding the slot goes on").isTrue();
    assertThat(consumer.requestIds("main")).containsExactly("r-0001");
  }

  @Test
  void aMaxBlockOfZeroFailsASubmitBeyondMaxInFlightAtOnce() {
    consumer.mode(FakeConsumer.Mode.HOLD);
    client = builder().maxInFlight(1).maxBlock(Duration.ZERO).build();
    client.submit(INSERT, 1);

    CompletableFuture<Reply> second = client.submit(INSERT, 2);

    assertThat(second).isCompletedExceptionally();
    assertThat(failure(second)).isInstanceOfSatisfying(InFlightLimitException.class,
        e -> assertThat(e.waitedMs()).isZero());
  }

  @Test
  void anInterruptedSubmitFailsFastWithSubmitInterruptedException() throws Exception {
    consumer.mode(FakeConsumer.Mode.HOLD);
    client = builder().maxInFlight(1).build();
    CompletableFuture<Reply> first = client.submit(INSERT, 1);

    Thread.currentThread().interrupt();
    CompletableFuture<Reply> second = client.submit(INSERT, 2);

    assertThat(Thread.interrupted()).as("the interrupt status is kept").isTrue();
    assertThat(failure(second)).isInstanceOfSatisfying(SubmitInterruptedException.class,
        e -> assertThat(e.retryable()).isTrue());
    flush();
    sqs.awaitSent(REQUESTS, 1, WAIT);
    consumer.release();
    assertThat(await(first).ok()).isTrue();
    assertThat(consumer.requestIds("main")).containsExactly("r-0001");
  }

  // ------------------------------------------------------------- lifecycle

  @Test
  void closeSendsPendingBundlesAndWaitsForTheirReplies() {
    client = builder().build();
    List<CompletableFuture<Reply>> futures = submitInserts(3);
    assertThat(sqs.sent(REQUESTS)).as("lingering on a clock that stands still").isEmpty();

    client.close();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(Reply::ok));
  }

  @Test
  void aSubmitAfterCloseFailsWithClientClosedException() {
    client = builder().build();
    client.close();
    client.close();

    CompletableFuture<Reply> future = client.submit(INSERT, 1);

    assertThat(future).isCompletedExceptionally();
    assertThat(failure(future)).isInstanceOf(ClientClosedException.class);
    assertThat(sqs.sent(REQUESTS)).isEmpty();
  }

  @Test
  void submitWithoutADefaultDatabaseIsRefused() throws Exception {
    client = SqlqClient.builder().sqs(sqs).requestQueueUrl(REQUESTS).replyQueueUrl(REPLIES)
        .replyWaitTime(Duration.ofSeconds(1)).build();

    assertThatThrownBy(() -> client.submit(INSERT, 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no default database");
    assertThatThrownBy(() -> client.submit(Statement.of(INSERT, 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no default database");
    assertThatThrownBy(() -> client.submitTransaction(List.of(Statement.of(INSERT, 1))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no default database");
    assertThat(await(client.database("named").submit(INSERT, 1)).db()).as("a named database needs no default")
        .isEqualTo("named");
  }

  @Test
  void anIdThatCannotBeAnSqsDeduplicationIdIsRefused() {
    client = builder().idSupplier(() -> "has space").build();

    assertThatThrownBy(() -> client.submit(INSERT, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'has space'");
  }

  // ------------------------------------------------------------- helpers

  /** Lets every open bundle's linger pass on the client's clock. */
  void flush() {
    clock.advance(LINGER);
  }

  List<CompletableFuture<Reply>> submitInserts(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> client.submit(INSERT, i)).toList();
  }

  /** Insert {@code n} as the client sends it, numbered {@code seq} by a producer id as long as a UUID. */
  static Request insertRequest(int n, long seq) {
    return new Request(id(n), "main", List.of(Statement.of(INSERT, n)), REPLIES,
        new Sequence(UUID.randomUUID().toString(), seq));
  }

  int elementBytes(Request request) {
    return MessageSizes.utf8Length(codec.encodeBundleElement(request, REPLIES));
  }

  static Reply await(CompletableFuture<Reply> future) throws Exception {
    return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  static void awaitAll(List<CompletableFuture<Reply>> futures) throws Exception {
    for (CompletableFuture<Reply> future : futures) {
      assertThat(await(future).ok()).isTrue();
    }
  }

  static Throwable failure(CompletableFuture<Reply> future) {
    return assertThatThrownBy(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class).actual().getCause();
  }

  /**
   * Checks that {@code submitter} still waits for a slot after the client's clock moved: gives it
   * a few of the 50 ms steps in which it reads the clock again. Can only pass wrongly, by
   * looking too early.
   */
  static void stillBlocked(Thread submitter, AtomicReference<CompletableFuture<Reply>> submitted)
      throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(5 * PendingReplies.CHECK_PERIOD.toMillis());
    assertThat(submitted.get()).as("the submit has not returned").isNull();
    assertThat(submitter.isAlive()).isTrue();
  }

  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }
}
