package io.sqlq.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.sqlq.core.aws.AwsCallFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Drives a consumer handler from a real SQS queue the way Lambda's SQS event source mapping
 * does (AWS Lambda Developer Guide, "Using Lambda with Amazon SQS"): receive up to 10 messages
 * with their system and message attributes, build the {@link SQSEvent}, invoke the handler,
 * delete the records it did not report in {@code batchItemFailures}, and leave the failed ones
 * to come back after their visibility timeout. A handler that throws fails the whole batch.
 *
 * <p>While the handler runs, the poller extends the visibility timeout of the batch's records
 * (ChangeMessageVisibilityBatch to the queue's full visibility timeout) each time half of it has
 * passed, so a batch slowed down by a busy machine never goes back to the queue while it runs.
 * Lambda's event source does not do this, which is why the CDK stack keeps the visibility
 * timeout at six times the function timeout; locally the function timeout is only simulated,
 * and moto mishandles records that time out in flight (below).
 *
 * <p>Records it does not delete (reported failed, or all of them when the batch crashed) it
 * makes visible again itself, {@link #RELEASE_MARGIN} before their visibility timeout would.
 * SQS would return them at the same moment; the explicit release works around moto 5.2, whose
 * ReceiveMessage skips a FIFO group's first timed-out message while a later one of the same
 * group is still marked in flight and so returns the later one first, breaking the group's
 * order. A batch that ends inside the margin releases its records at once; one that outlived the
 * visibility timeout is left to it, with a warning.
 *
 * <p>Two threads ({@code sqlq-poller} and {@code sqlq-poller-visibility}); {@link #start()} and
 * {@link #close()} bracket their life.
 */
public final class LocalEventSourcePoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalEventSourcePoller.class);
  /** The SQS event source's largest batch for a FIFO queue: 10 (ReceiveMessage's maximum). */
  public static final int MAX_BATCH = 10;
  /** How long before their visibility timeout records that were not deleted are released: 500 ms. */
  static final Duration RELEASE_MARGIN = Duration.ofMillis(500);

  private final SqsClient sqs;
  private final String queueUrl;
  private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
  private final Duration functionTimeout;
  private final int waitSeconds;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong failedRecords = new AtomicLong();
  private final ScheduledExecutorService visibility = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("sqlq-poller-visibility").factory());
  private volatile Duration visibilityTimeout;
  private Thread thread;

  /**
   * @param sqs the client, owned by the caller
   * @param functionTimeout the simulated function timeout (Lambda's maximum is 900 s); keep it
   *     below the queue's visibility timeout
   * @param waitTime long-poll wait per receive, 0 to 20 s
   */
  public LocalEventSourcePoller(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler,
      Duration functionTimeout, Duration waitTime, Clock clock) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.functionTimeout = functionTimeout;
    this.waitSeconds = (int) Math.min(20, Math.max(0, waitTime.toSeconds()));
    this.clock = clock;
  }

  /** Starts polling on a daemon thread named {@code sqlq-poller}. */
  public synchronized void start() {
    if (running.getAndSet(true)) {
      return;
    }
    thread = new Thread(this::loop, "sqlq-poller");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long backoffMs = 100;
    while (running.get()) {
      try {
        pollOnce();
        backoffMs = 100;
      } catch (RuntimeException e) {
        log.warn("poller: {} (retrying in {} ms)", e.getMessage(), backoffMs);
        sleep(backoffMs);
        backoffMs = Math.min(5_000, backoffMs * 2);
      }
    }
  }

  /**
   * Receives one batch, hands it to the handler and deletes what succeeded.
   *
   * @return the number of records received
   * @throws AwsCallFailedException when receiving or deleting failed
   */
  public int pollOnce() {
    Instant receivedAt = clock.instant();
    List<Message> messages;
    try {
      messages = sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(queueUrl)
          .maxNumberOfMessages(MAX_BATCH).waitTimeSeconds(waitSeconds)
          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
          .messageAttributeNames("All").build()).messages();
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS ReceiveMessage " + queueUrl, e);
    }
    if (messages.isEmpty()) {
      return 0;
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(messages.stream().map(LocalEventSourcePoller::record).toList());
    AtomicReference<Instant> expiry = new AtomicReference<>(receivedAt.plus(visibilityTimeout()));
    long halfMs = Math.max(1, visibilityTimeout().toMillis() / 2);
    ScheduledFuture<?> extension = visibility.scheduleAtFixedRate(() -> extend(messages, expiry), halfMs, halfMs,
        TimeUnit.MILLISECONDS);
    Set<String> failed;
    try {
      failed = invoke(event, messages);
    } finally {
      extension.cancel(false);
    }
    failedRecords.addAndGet(failed.size());
    batches.incrementAndGet();
    List<Message> kept = messages;
    try {
      delete(messages, failed);
      kept = messages.stream().filter(m -> failed.contains(m.messageId())).toList();
    } finally {
      releaseBeforeTimeout(kept, receivedAt, expiry.get());
    }
    return messages.size();
  }

  /**
   * Extends the visibility timeout of a running batch's records to the queue's full one, from now;
   * on success moves {@code expiry} to match. A failure is logged: the records may then time out
   * while the batch runs, as they would on Lambda.
   */
  private void extend(List<Message> messages, AtomicReference<Instant> expiry) {
    Instant now = clock.instant();
    int seconds = (int) visibilityTimeout().toSeconds();
    try {
      var response = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries(messages, seconds)));
      if (response.failed().isEmpty()) {
        expiry.set(now.plus(visibilityTimeout()));
        log.debug("extended the visibility of {} records of a running batch by {} s", messages.size(), seconds);
      } else {
        log.warn("extending the visibility of a running batch failed for {} records: {}", response.failed().size(),
            response.failed());
      }
    } catch (SdkException e) {
      log.warn("extending the visibility of a running batch failed: {}", e.getMessage());
    }
  }

  private static List<ChangeMessageVisibilityBatchRequestEntry> entries(List<Message> messages, int seconds) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    for (Message m : messages) {
      entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(entries.size()))
          .receiptHandle(m.receiptHandle()).visibilityTimeout(seconds).build());
    }
    return entries;
  }

  /** Makes {@code kept} visible again, in order, just before their visibility timeout would ({@code expiry}). */
  private void releaseBeforeTimeout(List<Message> kept, Instant receivedAt, Instant expiry) {
    if (kept.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    if (!now.isBefore(expiry)) {
      log.warn("{} records not deleted were held past their visibility timeout ({} ms after receipt);"
          + " moto may now return their group out of order", kept.size(), Duration.between(receivedAt, now).toMillis());
      return;
    }
    long delayMs = Math.max(0, Duration.between(now, expiry.minus(RELEASE_MARGIN)).toMillis());
    List<ChangeMessageVisibilityBatchRequestEntry> entries = entries(kept, 0);
    visibility.schedule(() -> {
      try {
        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
      } catch (SdkException e) {
        log.debug("releasing {} records failed; they come back after their visibility timeout: {}",
            entries.size(), e.getMessage());
      }
    }, delayMs, TimeUnit.MILLISECONDS);
  }

  /** The queue's VisibilityTimeout attribute, read once. */
  private Duration visibilityTimeout() {
    if (visibilityTimeout == null) {
      try {
        visibilityTimeout = Duration.ofSeconds(Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
            .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
            .get(QueueAttributeName.VISIBILITY_TIMEOUT)));
      } catch (SdkException e) {
        throw AwsCallFailedException.of("SQS GetQueueAttributes " + queueUrl, e);
      }
    }
    return visibilityTimeout;
  }

  private Set<String> invoke(SQSEvent event, List<Message> messages) {
    var context = new LocalContext(UUID.randomUUID().toString(), clock.instant().plus(functionTimeout), clock, 2048);
    try {
      SQSBatchResponse response = handler.handleRequest(event, context);
      Set<String> failed = new HashSet<>();
      response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
      return failed;
    } catch (RuntimeException e) {
      log.error("handler failed the whole batch of {} records", messages.size(), e);
      Set<String> all = new HashSet<>();
      messages.forEach(m -> all.add(m.messageId()));
      return all;
    }
  }

  private void delete(List<Message> messages, Set<String> failed) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (Message m : messages) {
      if (!failed.contains(m.messageId())) {
        entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
            .receiptHandle(m.receiptHandle()).build());
      }
    }
    if (entries.isEmpty()) {
      return;
    }
    try {
      var response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      if (!response.failed().isEmpty()) {
        log.warn("{} deletes failed; those records come back and are answered, not applied again: {}",
            response.failed().size(), response.failed());
      }
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS DeleteMessageBatch " + queueUrl, e);
    }
  }

  /** Converts an SQS message to the Lambda event record shape. */
  static SQSEvent.SQSMessage record(Message m) {
    SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
    r.setMessageId(m.messageId());
    r.setReceiptHandle(m.receiptHandle());
    r.setBody(m.body());
    r.setMd5OfBody(m.md5OfBody());
    r.setEventSource("aws:sqs");
    r.setAttributes(new HashMap<>(m.attributesAsStrings()));
    Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
    m.messageAttributes().forEach((name, value) -> {
      SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
      a.setDataType(value.dataType());
      a.setStringValue(value.stringValue());
      attributes.put(name, a);
    });
    r.setMessageAttributes(attributes);
    return r;
  }

  /** Batches handled so far. */
  public long batches() {
    return batches.get();
  }

  /** Records reported failed so far (each comes back after its visibility timeout). */
  public long failedRecords() {
    return failedRecords.get();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops polling; waits for the batch in hand (at most the function timeout plus the poll wait). */
  @Override
  public synchronized void close() {
    running.set(false);
    visibility.shutdownNow();
    if (thread != null) {
      try {
        thread.join(functionTimeout.plusSeconds(waitSeconds + 1).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
