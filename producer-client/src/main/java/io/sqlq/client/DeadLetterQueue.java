package io.sqlq.client;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.protocol.MalformedMessageException;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The stack's FIFO dead-letter queue, for operators: list what is there and why, and replay it
 * into the request queue once the cause is fixed (DESIGN.md, "Who uses it, and how").
 *
 * <p><b>Replay keeps order and identity.</b> Messages are moved in the order SQS returns them,
 * which per message group is the order they entered the dead-letter queue: a FIFO queue returns
 * a group's later messages only after its earlier ones are deleted (Amazon SQS Developer Guide,
 * "FIFO queue delivery logic in Amazon SQS"). Each is sent with its message group id, body and
 * message attributes, and deleted from the dead-letter queue only after the send succeeded. Request ids
 * travel in the body, or for a message without one in the {@code sqlq-request-id} attribute (set
 * to the message id when absent), and with the SDK's producer id and sequence number in the body,
 * so the consumer answers a request it had in fact applied and applies nothing.
 *
 * <p><b>Deduplication id.</b> The send cannot reuse the original deduplication id: SQS drops a
 * FIFO message whose deduplication id was sent in the last 5 minutes (Amazon SQS API Reference,
 * SendMessage, MessageDeduplicationId), which would lose a replay of a message that failed
 * quickly. It uses {@code <original, up to 100 chars>~r<24 hex of SHA-256 of the dead-letter
 * message id>}: new for every trip through the dead-letter queue, and the same if one replay is
 * run again after a send whose delete failed, so SQS drops that second copy.
 *
 * <p><b>Once per run.</b> A message that fails again while the replay runs (one that does not
 * decode is dead-lettered again within seconds) comes back to the dead-letter queue; a replay
 * moves each request id of a database at most once, so it ends instead of cycling such a message.
 *
 * <p><b>Visibility.</b> Receiving hides a message for {@link #HOLD_SECONDS}; what a call does
 * not move it makes visible again before returning. A group's messages beyond the first ten
 * may not show in a listing or a dry run while the first ones are held.
 *
 * <p>Not thread-safe; one operator at a time. The {@link SqsClient} belongs to the caller.
 */
public final class DeadLetterQueue {
  /** Characters of SQL (or body) shown per message. */
  public static final int PREVIEW_CHARS = 60;
  /** How long a received message stays hidden while a call works on it: 120 s. */
  static final int HOLD_SECONDS = 120;
  /** Most messages one ReceiveMessage returns (the SQS limit). */
  private static final int RECEIVE_MAX = 10;
  /** Attribute names, as in DeadLetters of the consumer. */
  static final String ERROR_ATTRIBUTE = "sqlq-error";

  private final SqsClient sqs;
  private final String deadLetterQueueUrl;
  private final String requestQueueUrl;
  private final RequestCodec codec = new RequestCodec();

  /**
   * @param deadLetterQueueUrl the FIFO dead-letter queue
   * @param requestQueueUrl the FIFO request queue replays go to
   */
  public DeadLetterQueue(SqsClient sqs, String deadLetterQueueUrl, String requestQueueUrl) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.deadLetterQueueUrl = Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    this.requestQueueUrl = Objects.requireNonNull(requestQueueUrl, "requestQueueUrl");
  }

  /**
   * Lists up to {@code max} messages without moving them (each is received, hence its receive
   * count grows by one, and made visible again).
   *
   * @param max at least 1
   * @throws IllegalArgumentException when {@code max} is below 1
   * @throws AwsCallFailedException when a call to SQS failed
   */
  public List<DeadLetter> list(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
    List<Message> held = new ArrayList<>();
    try {
      while (held.size() < max) {
        List<Message> batch = receive();
        if (batch.isEmpty()) {
          break;
        }
        held.addAll(batch);
      }
      return held.stream().limit(max).map(this::describe).toList();
    } finally {
      release(held);
    }
  }

  /**
   * Moves messages back to the request queue as the class documentation describes.
   *
   * @return the messages moved (or, in a dry run, that would be)
   * @throws AwsCallFailedException when a call to SQS failed; the messages reported before it are
   *     in the request queue and gone from the dead-letter queue, the one being moved and the
   *     rest are still in the dead-letter queue (one whose send succeeded but whose delete failed
   *     is in both, and is answered, not applied, if replayed again)
   */
  public ReplayReport replay(ReplayOptions options) {
    List<DeadLetter> moved = new ArrayList<>();
    List<Message> held = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try {
      while (moved.size() < options.max()) {
        List<Message> batch = receive();
        if (batch.isEmpty()) {
          break;
        }
        held.addAll(batch);
        for (Message m : batch) {
          DeadLetter letter = describe(m);
          if ((options.database() != null && !options.database().equals(letter.database()))
              || moved.size() >= options.max() || !seen.add(letter.database() + "/" + letter.requestId())) {
            continue;
          }
          if (!options.dryRun()) {
            send(m, letter);
            delete(m);
            held.remove(m);
          }
          moved.add(letter);
        }
      }
      return new ReplayReport(moved, options.dryRun());
    } finally {
      release(held);
    }
  }

  /**
   * The deduplication id of a replay: {@code <original, up to 100 chars>~r<24 hex>}, at most 126
   * characters, within the 128 SQS allows.
   */
  static String replayDeduplicationId(String original, String deadLetterMessageId) {
    String head = original.length() > 100 ? original.substring(0, 100) : original;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(deadLetterMessageId.getBytes(StandardCharsets.UTF_8));
      return head + "~r" + java.util.HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256 (MessageDigest Javadoc)", e);
    }
  }

  private void send(Message m, DeadLetter letter) {
    Map<String, MessageAttributeValue> attributes = new HashMap<>(m.messageAttributes());
    attributes.remove(ERROR_ATTRIBUTE);
    attributes.putIfAbsent(MessageContext.REQUEST_ID_ATTRIBUTE,
        MessageAttributeValue.builder().dataType("String").stringValue(m.messageId()).build());
    try {
      sqs.sendMessage(b -> b.queueUrl(requestQueueUrl).messageBody(m.body()).messageGroupId(letter.database())
          .messageDeduplicationId(replayDeduplicationId(letter.deduplicationId(), m.messageId()))
          .messageAttributes(attributes));
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS SendMessage (replay of " + m.messageId() + ") to " + requestQueueUrl, e);
    }
  }

  private void delete(Message m) {
    try {
      sqs.deleteMessage(b -> b.queueUrl(deadLetterQueueUrl).receiptHandle(m.receiptHandle()));
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS DeleteMessage " + m.messageId() + " from " + deadLetterQueueUrl
          + " (it was replayed already)", e);
    }
  }

  private List<Message> receive() {
    try {
      return sqs.receiveMessage(b -> b.queueUrl(deadLetterQueueUrl).maxNumberOfMessages(RECEIVE_MAX)
          .waitTimeSeconds(1).visibilityTimeout(HOLD_SECONDS)
          .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS ReceiveMessage " + deadLetterQueueUrl, e);
    }
  }

  /** Makes held messages visible again; best effort, since they reappear after the hold anyway. */
  private void release(List<Message> held) {
    for (Message m : held) {
      try {
        sqs.changeMessageVisibility(b -> b.queueUrl(deadLetterQueueUrl).receiptHandle(m.receiptHandle())
            .visibilityTimeout(0));
      } catch (SdkException e) {
        // It becomes visible by itself after HOLD_SECONDS.
      }
    }
  }

  private DeadLetter describe(Message m) {
    Map<MessageSystemAttributeName, String> system = m.attributes();
    String group = system.getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, "");
    int receives = Integer.parseInt(system.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "0"));
    MessageAttributeValue error = m.messageAttributes().get(ERROR_ATTRIBUTE);
    MessageAttributeValue requestId = m.messageAttributes().get(MessageContext.REQUEST_ID_ATTRIBUTE);
    String reason = error != null ? error.stringValue() : "redriven after " + receives + " receives";
    String id;
    int requests;
    String preview;
    try {
      List<Request> decoded = codec.decodeRequests(m.body(), new MessageContext(m.messageId(), group,
          requestId == null ? null : requestId.stringValue(), requestQueueUrl));
      id = decoded.get(0).id();
      requests = decoded.size();
      preview = decoded.get(0).statements().get(0).sql();
    } catch (MalformedMessageException e) {
      id = requestId != null ? requestId.stringValue() : m.messageId();
      requests = 0;
      preview = m.body();
    }
    return new DeadLetter(group, id, requests, receives, reason,
        preview.length() > PREVIEW_CHARS ? preview.substring(0, PREVIEW_CHARS) : preview, m.messageId(),
        system.getOrDefault(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, m.messageId()),
        system.get(MessageSystemAttributeName.SEQUENCE_NUMBER), m.body());
  }
}
