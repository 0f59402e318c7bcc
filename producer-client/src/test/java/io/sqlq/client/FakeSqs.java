package io.sqlq.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An in-memory SQS holding any number of queues by URL: SendMessage, long-polling
 * ReceiveMessage (no visibility timeout: a received message stays in flight until deleted),
 * DeleteMessageBatch, and CreateQueue / DeleteQueue, which it records (a queue needs no
 * creation to be used; a deleted one answers as missing). A handler registered for a queue takes its messages instead of the queue,
 * on the sender's thread; that is how a test plays the consumer. Thread-safe.
 */
final class FakeSqs implements SqsClient {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Map<String, ArrayDeque<Message>> visible = new HashMap<>();
  private final Map<String, Message> inFlight = new HashMap<>();
  private final Map<String, Consumer<Message>> handlers = new HashMap<>();
  private final List<SendMessageRequest> sent = new ArrayList<>();
  /** Per queue, the sends that are over: queued, or handed to the queue's handler and handled. */
  private final Map<String, Integer> finishedSends = new HashMap<>();
  private final List<String> deletedMessageIds = new ArrayList<>();
  private Predicate<SendMessageRequest> failSend = request -> false;
  private int receivesToFail;
  private final java.util.Set<String> missingQueues = new java.util.HashSet<>();
  private final List<CreateQueueRequest> created = new ArrayList<>();
  private final List<String> deletedQueues = new ArrayList<>();
  /** ReceiveMessage calls under way, by queue URL. */
  private final Map<String, Integer> receiving = new HashMap<>();
  private int receivesOfDeletedQueues;
  private boolean failDeleteQueue;
  private boolean closed;
  private long nextId;

  /** Hands every message sent to {@code queueUrl} to {@code handler} instead of queueing it. */
  void handle(String queueUrl, Consumer<Message> handler) {
    locked(() -> handlers.put(queueUrl, handler));
  }

  /** Makes each SendMessage that {@code when} accepts fail with HTTP 500 (not recorded as sent). */
  void failSendsWhen(Predicate<SendMessageRequest> when) {
    locked(() -> failSend = when);
  }

  /** Makes the next {@code count} ReceiveMessage calls fail with HTTP 500. */
  void failNextReceives(int count) {
    locked(() -> receivesToFail = count);
  }

  /** Makes every ReceiveMessage on {@code queueUrl} fail as SQS does for a queue that does not exist. */
  void removeQueue(String queueUrl) {
    locked(() -> missingQueues.add(queueUrl));
  }

  /** Makes every DeleteQueue fail with HTTP 500. */
  void failDeleteQueue() {
    locked(() -> failDeleteQueue = true);
  }

  /** The CreateQueue calls so far, in order. */
  List<CreateQueueRequest> createdQueues() {
    lock.lock();
    try {
      return List.copyOf(created);
    } finally {
      lock.unlock();
    }
  }

  /** URLs of the queues deleted so far, in order. */
  List<String> deletedQueues() {
    lock.lock();
    try {
      return List.copyOf(deletedQueues);
    } finally {
      lock.unlock();
    }
  }

  /**
   * ReceiveMessage calls that overlapped the deletion of their queue or came after it: each one
   * a reader that was still polling when its queue was deleted.
   */
  int receivesOfDeletedQueues() {
    lock.lock();
    try {
      return receivesOfDeletedQueues;
    } finally {
      lock.unlock();
    }
  }

  /** How many ReceiveMessage calls on {@code queueUrl} are waiting for messages now. */
  int receivingNow(String queueUrl) {
    lock.lock();
    try {
      return receiving.getOrDefault(queueUrl, 0);
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #close()} was called. */
  boolean closed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** The SendMessage calls to {@code queueUrl} accepted so far, in order. */
  List<SendMessageRequest> sent(String queueUrl) {
    lock.lock();
    try {
      return sent.stream().filter(r -> r.queueUrl().equals(queueUrl)).toList();
    } finally {
      lock.unlock();
    }
  }

  private int finishedSends(String queueUrl) {
    lock.lock();
    try {
      return finishedSends.getOrDefault(queueUrl, 0);
    } finally {
      lock.unlock();
    }
  }

  /** Ids of the messages deleted so far, in order. */
  List<String> deletedMessageIds() {
    lock.lock();
    try {
      return List.copyOf(deletedMessageIds);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public SendMessageResponse sendMessage(SendMessageRequest request) {
    Message message;
    Consumer<Message> handler;
    lock.lock();
    try {
      if (failSend.test(request)) {
        throw serverError("SendMessage");
      }
      message = Message.builder().messageId("m-" + ++nextId).body(request.messageBody())
          .attributesWithStrings(request.messageGroupId() == null ? Map.of() : Map.of("MessageGroupId", request.messageGroupId()))
          .build();
      handler = handlers.get(request.queueUrl());
      sent.add(request);
      if (handler == null) {
        visible.computeIfAbsent(request.queueUrl(), url -> new ArrayDeque<>()).add(message);
        finishedSends.merge(request.queueUrl(), 1, Integer::sum);
        arrived.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (handler != null) {
      // Recorded as sent before the handler (the fake consumer) runs, since its replies complete the
      // client's futures; finished only after it, so that awaitSent sees what the handler made of it.
      handler.accept(message);
      lock.lock();
      try {
        finishedSends.merge(request.queueUrl(), 1, Integer::sum);
      } finally {
        lock.unlock();
      }
    }
    return SendMessageResponse.builder().messageId(message.messageId()).build();
  }

  @Override
  public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
    lock.lock();
    try {
      if (receivesToFail > 0) {
        receivesToFail--;
        throw serverError("ReceiveMessage");
      }
      if (deletedQueues.contains(request.queueUrl())) {
        receivesOfDeletedQueues++;
      }
      if (missingQueues.contains(request.queueUrl())) {
        throw queueDoesNotExist();
      }
      ArrayDeque<Message> queue = visible.computeIfAbsent(request.queueUrl(), url -> new ArrayDeque<>());
      long nanos = Duration.ofSeconds(request.waitTimeSeconds()).toNanos();
      receiving.merge(request.queueUrl(), 1, Integer::sum);
      try {
        while (queue.isEmpty() && nanos > 0 && !missingQueues.contains(request.queueUrl())) {
          nanos = arrived.awaitNanos(nanos);
        }
      } finally {
        receiving.merge(request.queueUrl(), -1, Integer::sum);
      }
      if (missingQueues.contains(request.queueUrl())) {
        throw queueDoesNotExist();
      }
      List<Message> out = new ArrayList<>();
      while (!queue.isEmpty() && out.size() < request.maxNumberOfMessages()) {
        Message message = queue.poll().toBuilder().receiptHandle("rh-" + ++nextId).build();
        inFlight.put(message.receiptHandle(), message);
        out.add(message);
      }
      return ReceiveMessageResponse.builder().messages(out).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AbortedException.builder().message("interrupted").cause(e).build();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
    lock.lock();
    try {
      List<DeleteMessageBatchResultEntry> ok = new ArrayList<>();
      for (DeleteMessageBatchRequestEntry entry : request.entries()) {
        Message message = inFlight.remove(entry.receiptHandle());
        if (message != null) {
          deletedMessageIds.add(message.messageId());
        }
        ok.add(DeleteMessageBatchResultEntry.builder().id(entry.id()).build());
      }
      return DeleteMessageBatchResponse.builder().successful(ok).build();
    } finally {
      lock.unlock();
    }
  }

  /** Records the request and answers the URL {@code https://sqs.local/000000000000/<name>}. */
  @Override
  public CreateQueueResponse createQueue(CreateQueueRequest request) {
    lock.lock();
    try {
      created.add(request);
      return CreateQueueResponse.builder().queueUrl("https://sqs.local/000000000000/" + request.queueName()).build();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes the queue: its receives fail from now on, one under way at once (counted in
   * {@link #receivesOfDeletedQueues()}).
   */
  @Override
  public DeleteQueueResponse deleteQueue(DeleteQueueRequest request) {
    lock.lock();
    try {
      if (failDeleteQueue) {
        throw serverError("DeleteQueue");
      }
      deletedQueues.add(request.queueUrl());
      missingQueues.add(request.queueUrl());
      receivesOfDeletedQueues += receiving.getOrDefault(request.queueUrl(), 0);
      arrived.signalAll();
      return DeleteQueueResponse.builder().build();
    } finally {
      lock.unlock();
    }
  }

  /** Puts a raw message on {@code queueUrl}, as another sender would, and returns its message id. */
  String put(String queueUrl, String body) {
    return sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body).build()).messageId();
  }

  /**
   * Waits up to {@code max} until {@code queueUrl} has had at least {@code count} sends that are
   * over (queued, or handled by the queue's handler).
   */
  void awaitSent(String queueUrl, int count, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (finishedSends(queueUrl) < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + count + " sends to " + queueUrl + " within " + max
            + ", saw " + finishedSends(queueUrl));
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  @Override
  public String serviceName() {
    return "sqs";
  }

  @Override
  public void close() {
    locked(() -> closed = true);
  }

  private void locked(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  private static SqsException queueDoesNotExist() {
    return (SqsException) QueueDoesNotExistException.builder()
        .statusCode(400).message("The specified queue does not exist.").build();
  }

  private static SqsException serverError(String operation) {
    return (SqsException) SqsException.builder().statusCode(500).message(operation + " failed (injected)")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").serviceName("sqs").build()).build();
  }
}
