package io.sqlq.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The FIFO promises sqlq relies on, checked against one SQS endpoint; each {@link Case} states
 * what Amazon SQS does and cites the SQS Developer Guide page that says so. A case returns a
 * {@link Result}: passed, or failed with what was seen instead. No case depends on the machine's
 * speed: waits are for events (a message arriving, a receive count reached), bounded by
 * {@link #PATIENCE}, far above what any case needs.
 */
final class FifoConformance {
  /** How long a case waits for an event before it counts as not happening: 60,000 ms. */
  static final Duration PATIENCE = Duration.ofSeconds(60);
  /** The SQS maximum message size: 1,048,576 bytes (since August 2025). */
  static final int MAX_BODY_BYTES = 1_048_576;

  /** One promise. */
  enum Case {
    /**
     * "Messages that belong to the same message group are always processed one by one, in a
     * strict order relative to the message group" (SQS Developer Guide, "FIFO queue message
     * grouping"): ten messages of one group, the first three received and left to time out in
     * flight, are all received again in send order.
     */
    ORDER_AFTER_VISIBILITY_TIMEOUT,
    /**
     * "you can't receive additional messages with the same message group ID" while one is in
     * flight (SQS Developer Guide, "FIFO queue message grouping"): a second receive gets only
     * another group's message.
     */
    NO_SECOND_RECEIVER_FOR_IN_FLIGHT_GROUP,
    /**
     * The same promise for long polls already waiting when the messages arrive: of two receivers
     * long-polling an empty queue, only one gets the group's messages (what lets local pollers
     * receive concurrently, as Lambda's do).
     */
    ONE_RECEIVER_FOR_A_GROUP_AMONG_WAITING_LONG_POLLS,
    /**
     * "If a message with a particular message deduplication ID is sent successfully, any
     * messages sent with the same message deduplication ID are accepted successfully but aren't
     * delivered during the 5-minute deduplication interval" (SQS Developer Guide, "Exactly-once
     * processing"): also after the first was received and deleted.
     */
    DEDUPLICATION_WINDOW_AFTER_DELETE,
    /**
     * Content-based deduplication: "Amazon SQS uses a SHA-256 hash to generate the message
     * deduplication ID using the body of the message" (SQS Developer Guide, "Using the message
     * deduplication ID"): the same body sent twice is delivered once.
     */
    CONTENT_BASED_DEDUPLICATION,
    /**
     * After maxReceiveCount receives the message moves to the dead-letter queue (SQS Developer
     * Guide, "Using dead-letter queues"), keeping its message id and message attributes.
     */
    REDRIVE_KEEPS_ID_AND_ATTRIBUTES,
    /**
     * The moved message keeps its group and deduplication ids too (the dead-letter queue holds
     * the message itself, SQS Developer Guide, "Using dead-letter queues"); sqlq's replay derives
     * its deduplication id from the original ({@code DeadLetterQueue}).
     */
    REDRIVE_KEEPS_GROUP_AND_DEDUPLICATION_ID,
    /**
     * Long polling "returns messages as soon as they become available" and an empty answer only
     * when the wait time expires (SQS Developer Guide, "Amazon SQS short and long polling").
     */
    LONG_POLLING,
    /** String, Number and Binary message attributes arrive as sent (SQS Developer Guide, "Message attributes"). */
    MESSAGE_ATTRIBUTES,
    /**
     * A body of 1,048,576 bytes is accepted and arrives whole; one byte more is refused (SQS
     * Developer Guide, "Amazon SQS message quotas").
     */
    ONE_MIB_BODIES
  }

  /**
   * The outcome of one case.
   *
   * @param detail empty when passed, else what was seen instead of the promise
   */
  record Result(Case check, boolean passed, String detail) {
    static Result pass(Case check) {
      return new Result(check, true, "");
    }

    static Result fail(Case check, String detail) {
      return new Result(check, false, detail);
    }
  }

  private final SqsClient sqs;

  /** @param sqs a client of the SQS under test, owned by the caller */
  FifoConformance(SqsClient sqs) {
    this.sqs = sqs;
  }

  /** Runs every case, each on queues of its own. */
  List<Result> runAll() {
    return Arrays.stream(Case.values()).map(this::run).toList();
  }

  Result run(Case check) {
    try {
      return switch (check) {
        case ORDER_AFTER_VISIBILITY_TIMEOUT -> orderAfterVisibilityTimeout();
        case NO_SECOND_RECEIVER_FOR_IN_FLIGHT_GROUP -> noSecondReceiver();
        case ONE_RECEIVER_FOR_A_GROUP_AMONG_WAITING_LONG_POLLS -> oneReceiverAmongWaitingLongPolls();
        case DEDUPLICATION_WINDOW_AFTER_DELETE -> deduplicationWindow();
        case CONTENT_BASED_DEDUPLICATION -> contentBasedDeduplication();
        case REDRIVE_KEEPS_ID_AND_ATTRIBUTES -> redrive(Case.REDRIVE_KEEPS_ID_AND_ATTRIBUTES);
        case REDRIVE_KEEPS_GROUP_AND_DEDUPLICATION_ID -> redrive(Case.REDRIVE_KEEPS_GROUP_AND_DEDUPLICATION_ID);
        case LONG_POLLING -> longPolling();
        case MESSAGE_ATTRIBUTES -> messageAttributes();
        case ONE_MIB_BODIES -> oneMibBodies();
      };
    } catch (SdkException e) {
      return Result.fail(check, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private Result orderAfterVisibilityTimeout() {
    String queue = fifoQueue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    for (int i = 0; i < 10; i++) {
      send(queue, "g", "m" + i, "d" + i);
    }
    List<Message> inFlight = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(3)).messages();
    if (inFlight.size() != 3) {
      return Result.fail(Case.ORDER_AFTER_VISIBILITY_TIMEOUT, "first receive got " + bodies(inFlight));
    }
    List<String> seen = new ArrayList<>();
    Instant deadline = Instant.now().plus(PATIENCE);
    while (seen.size() < 10 && Instant.now().isBefore(deadline)) {
      List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages();
      batch.forEach(m -> {
        seen.add(m.body());
        sqs.deleteMessage(d -> d.queueUrl(queue).receiptHandle(m.receiptHandle()));
      });
    }
    List<String> expected = List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    return seen.equals(expected) ? Result.pass(Case.ORDER_AFTER_VISIBILITY_TIMEOUT)
        : Result.fail(Case.ORDER_AFTER_VISIBILITY_TIMEOUT, "received " + seen);
  }

  private Result noSecondReceiver() {
    String queue = fifoQueue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
    send(queue, "g", "g0", "g0");
    send(queue, "g", "g1", "g1");
    send(queue, "h", "h0", "h0");
    List<Message> first = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1)).messages();
    if (!bodies(first).equals(List.of("g0"))) {
      return Result.fail(Case.NO_SECOND_RECEIVER_FOR_IN_FLIGHT_GROUP, "first receive got " + bodies(first));
    }
    List<Message> second = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages();
    return bodies(second).equals(List.of("h0")) ? Result.pass(Case.NO_SECOND_RECEIVER_FOR_IN_FLIGHT_GROUP)
        : Result.fail(Case.NO_SECOND_RECEIVER_FOR_IN_FLIGHT_GROUP, "while g0 was in flight a receive got "
            + bodies(second));
  }

  private Result oneReceiverAmongWaitingLongPolls() {
    String queue = fifoQueue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
    List<List<String>> got = Collections.synchronizedList(new ArrayList<>());
    List<Thread> receivers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      receivers.add(Thread.ofVirtual().start(() -> got.add(bodies(sqs.receiveMessage(b -> b.queueUrl(queue)
          .maxNumberOfMessages(10).waitTimeSeconds(5)).messages()))));
    }
    sleepQuietly(Duration.ofMillis(1_000));
    send(queue, "g", "g0", "g0");
    send(queue, "g", "g1", "g1");
    receivers.forEach(FifoConformance::joinQuietly);
    long receiversOfG = got.stream().filter(list -> !list.isEmpty()).count();
    return receiversOfG == 1 ? Result.pass(Case.ONE_RECEIVER_FOR_A_GROUP_AMONG_WAITING_LONG_POLLS)
        : Result.fail(Case.ONE_RECEIVER_FOR_A_GROUP_AMONG_WAITING_LONG_POLLS, "the two long polls got " + got);
  }

  private Result deduplicationWindow() {
    String queue = fifoQueue(Map.of());
    send(queue, "g", "first", "same-id");
    send(queue, "g", "duplicate before delete", "same-id");
    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages();
    got.forEach(m -> sqs.deleteMessage(d -> d.queueUrl(queue).receiptHandle(m.receiptHandle())));
    send(queue, "g", "duplicate after delete", "same-id");
    send(queue, "g", "marker", "marker-id");
    List<String> after = drain(queue, "marker");
    return bodies(got).equals(List.of("first")) && after.equals(List.of("marker"))
        ? Result.pass(Case.DEDUPLICATION_WINDOW_AFTER_DELETE)
        : Result.fail(Case.DEDUPLICATION_WINDOW_AFTER_DELETE, "received " + bodies(got) + " then " + after);
  }

  private Result contentBasedDeduplication() {
    String queue = fifoQueue(Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
    sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId("g").messageBody("same body"));
    sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId("g").messageBody("same body"));
    sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId("g").messageBody("marker"));
    List<String> got = drain(queue, "marker");
    return got.equals(List.of("same body", "marker")) ? Result.pass(Case.CONTENT_BASED_DEDUPLICATION)
        : Result.fail(Case.CONTENT_BASED_DEDUPLICATION, "received " + got);
  }

  /** Moves a message to the dead-letter queue by receiving it twice, then checks what {@code check} promises. */
  private Result redrive(Case check) {
    String dlq = fifoQueue(Map.of());
    String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    String queue = fifoQueue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1", QueueAttributeName.REDRIVE_POLICY,
        "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}"));
    String id = sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId("g").messageDeduplicationId("r")
        .messageBody("poison").messageAttributes(Map.of("sqlq-request-id", text("req-1")))).messageId();
    int receives = 0;
    Instant deadline = Instant.now().plus(PATIENCE);
    Message moved = null;
    while (moved == null && Instant.now().isBefore(deadline)) {
      receives += sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages().size();
      moved = sqs.receiveMessage(b -> b.queueUrl(dlq).messageAttributeNames("All")
          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().stream().findFirst().orElse(null);
    }
    if (moved == null) {
      return Result.fail(check, "not in the dead-letter queue after " + receives + " receives");
    }
    if (check == Case.REDRIVE_KEEPS_GROUP_AND_DEDUPLICATION_ID) {
      var system = moved.attributes();
      return "g".equals(system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
          && "r".equals(system.get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)) ? Result.pass(check)
          : Result.fail(check, "moved with group " + system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID)
              + " and deduplication id " + system.get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)
              + " (sent g, r)");
    }
    boolean kept = moved.messageId().equals(id) && moved.body().equals("poison")
        && text("req-1").equals(moved.messageAttributes().get("sqlq-request-id"));
    return kept && receives == 2 ? Result.pass(check)
        : Result.fail(check, "after " + receives + " receives moved as id " + moved.messageId() + " (sent " + id
            + "), attributes " + moved.messageAttributes());
  }

  private Result longPolling() {
    String queue = fifoQueue(Map.of());
    Instant start = Instant.now();
    List<Message> empty = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(2)).messages();
    Duration waited = Duration.between(start, Instant.now());
    if (!empty.isEmpty() || waited.compareTo(Duration.ofMillis(1_900)) < 0) {
      return Result.fail(Case.LONG_POLLING, "an empty 2 s long poll returned " + bodies(empty) + " after "
          + waited.toMillis() + " ms");
    }
    Thread sender = Thread.ofVirtual().start(() -> {
      sleepQuietly(Duration.ofMillis(500));
      send(queue, "g", "late", "late");
    });
    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(20)).messages();
    joinQuietly(sender);
    return bodies(got).equals(List.of("late")) ? Result.pass(Case.LONG_POLLING)
        : Result.fail(Case.LONG_POLLING, "a 20 s long poll returned " + bodies(got));
  }

  private Result messageAttributes() {
    String queue = fifoQueue(Map.of());
    Map<String, MessageAttributeValue> sent = Map.of(
        "s", text("héllo"),
        "n", MessageAttributeValue.builder().dataType("Number").stringValue("-12.5").build(),
        "b", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(new byte[] {0, 1,
            (byte) 0xff})).build());
    sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId("g").messageDeduplicationId("a").messageBody("x")
        .messageAttributes(sent));
    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(5).messageAttributeNames("All"))
        .messages();
    return got.size() == 1 && got.getFirst().messageAttributes().equals(sent) ? Result.pass(Case.MESSAGE_ATTRIBUTES)
        : Result.fail(Case.MESSAGE_ATTRIBUTES, "received " + got.stream().map(Message::messageAttributes).toList());
  }

  private Result oneMibBodies() {
    String queue = fifoQueue(Map.of());
    String largest = "x".repeat(MAX_BODY_BYTES);
    send(queue, "g", largest, "largest");
    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(5)).messages();
    if (got.size() != 1 || !got.getFirst().body().equals(largest)) {
      return Result.fail(Case.ONE_MIB_BODIES, "a 1,048,576-byte body came back as "
          + got.stream().map(m -> m.body().length()).toList());
    }
    try {
      send(queue, "g", largest + "x", "too-large");
      return Result.fail(Case.ONE_MIB_BODIES, "a 1,048,577-byte body was accepted");
    } catch (SdkException refused) {
      return Result.pass(Case.ONE_MIB_BODIES);
    }
  }

  /** Receives and deletes messages of {@code queue} until {@code last} arrives or {@link #PATIENCE} passes. */
  private List<String> drain(String queue, String last) {
    List<String> seen = new ArrayList<>();
    Instant deadline = Instant.now().plus(PATIENCE);
    while (!seen.contains(last) && Instant.now().isBefore(deadline)) {
      sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages().forEach(m -> {
        seen.add(m.body());
        sqs.deleteMessage(d -> d.queueUrl(queue).receiptHandle(m.receiptHandle()));
      });
    }
    return seen;
  }

  private String fifoQueue(Map<QueueAttributeName, String> attributes) {
    Map<QueueAttributeName, String> all = new HashMap<>(attributes);
    all.put(QueueAttributeName.FIFO_QUEUE, "true");
    String name = "conformance-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
    return sqs.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
  }

  private void send(String queue, String group, String body, String deduplicationId) {
    sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId(group).messageDeduplicationId(deduplicationId)
        .messageBody(body));
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static List<String> bodies(List<Message> messages) {
    return messages.stream().map(Message::body).toList();
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
