package io.sqlq.client;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.protocol.MalformedMessageException;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Long-polls the client's reply queue from one thread ({@code sqlq-reply-listener}), completes
 * the future of each reply by request id, then deletes the messages it received.
 *
 * <p>Receives with plain ReceiveMessage (up to 10 messages, wait {@code replyWaitTime}), not
 * {@code SqsAsyncBatchManager}, whose receive is unreliable on the moto emulator (DESIGN.md,
 * "Local runs and tests"). A reply whose request is unknown or already answered is ignored:
 * SQS redelivery can bring a reply twice. A body that does not decode is logged at warn and
 * deleted, since it will never decode. Any error is logged and the poll retried after a
 * backoff (100 ms, doubling to 5 s, reset by a successful poll); nothing but close ends the
 * thread.
 *
 * <p>Futures are completed on this thread, so a caller's non-async callbacks run here and
 * delay the next poll while they run.
 */
final class ReplyListener implements AutoCloseable {
  /** Most messages one ReceiveMessage returns (the SQS limit, 10). */
  private static final int MAX_MESSAGES = 10;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** How long close waits beyond one long poll before it interrupts the thread. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);

  private final ClientSettings settings;
  private final ReplyCodec codec;
  private final PendingReplies pending;
  private final SeenVersions seen;
  private final Thread thread;
  private volatile boolean running = true;

  /** @param seen records each reply's database version before its future completes */
  ReplyListener(ClientSettings settings, ReplyCodec codec, PendingReplies pending, SeenVersions seen) {
    this.settings = settings;
    this.codec = codec;
    this.pending = pending;
    this.seen = seen;
    this.thread = Thread.ofPlatform().daemon().name("sqlq-reply-listener").unstarted(this::run);
  }

  /** Starts the listener thread. */
  void start() {
    thread.start();
  }

  /**
   * Stops polling: lets the current long poll end (up to {@code replyWaitTime} plus 1 s), then
   * interrupts the thread. Replies that arrive later are left on the queue.
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(settings.replyWaitTime().plus(CLOSE_GRACE));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(CLOSE_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    while (running) {
      try {
        pollOnce();
        backoff = FIRST_BACKOFF;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        failWaitingIfPermanent(e);
        log.warn("polling reply queue {} failed; retrying in {} ms", settings.replyQueueUrl(), backoff.toMillis(), e);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          continue; // only close interrupts on purpose, and it has cleared running first
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * A reply queue that cannot be read for good (it does not exist, access is denied) would
   * leave every future to its timeout; fail the waiting ones now with the reason instead.
   */
  private void failWaitingIfPermanent(RuntimeException e) {
    if (e instanceof SdkException sdk) {
      AwsCallFailedException failure = AwsCallFailedException.of(
          "SQS ReceiveMessage from reply queue " + settings.replyQueueUrl(), sdk);
      if (!failure.retryable()) {
        pending.failAll(id -> failure);
      }
    }
  }

  private void pollOnce() {
    List<Message> messages = settings.sqs().receiveMessage(b -> b.queueUrl(settings.replyQueueUrl())
        .maxNumberOfMessages(MAX_MESSAGES)
        .waitTimeSeconds((int) settings.replyWaitTime().toSeconds())).messages();
    if (messages.isEmpty()) {
      return;
    }
    messages.forEach(this::deliver);
    delete(messages);
  }

  private void deliver(Message message) {
    List<Reply> replies;
    try {
      replies = codec.decodeReplies(message.body());
    } catch (MalformedMessageException e) {
      log.warn("deleting reply message {} that does not decode: {}", message.messageId(), e.getMessage());
      return;
    }
    for (Reply reply : replies) {
      seen.record(reply.db(), reply.dbVersion());
      if (!pending.complete(reply)) {
        log.debug("ignoring reply to request {}: unknown, already answered or timed out", reply.id());
      }
    }
  }

  private void delete(List<Message> messages) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      entries.add(DeleteMessageBatchRequestEntry.builder()
          .id(Integer.toString(i)).receiptHandle(messages.get(i).receiptHandle()).build());
    }
    DeleteMessageBatchResponse response = settings.sqs().deleteMessageBatch(b -> b
        .queueUrl(settings.replyQueueUrl()).entries(entries));
    response.failed().forEach(f -> log.warn(
        "could not delete reply message {}: {} {}; it will come again and be ignored",
        messages.get(Integer.parseInt(f.id())).messageId(), f.code(), f.message()));
  }
}
