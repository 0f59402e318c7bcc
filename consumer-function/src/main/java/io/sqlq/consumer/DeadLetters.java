package io.sqlq.consumer;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.protocol.MessageContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Moves a message that can never be applied (it does not decode) to the FIFO dead-letter
 * queue at once, instead of letting it block its message group for maxReceiveCount deliveries.
 * The body, message group id and deduplication id travel unchanged; attributes added:
 * {@code sqlq-error} (the reason), {@code sqlq-first-seen} (ISO-8601 instant) and
 * {@code sqlq-request-id} (the original request id, so a replay is still deduplicated).
 */
public final class DeadLetters {
  /** Message attribute holding why a message was dead-lettered. */
  public static final String ERROR_ATTRIBUTE = "sqlq-error";
  /** Message attribute holding when sqlq first saw the message. */
  public static final String FIRST_SEEN_ATTRIBUTE = "sqlq-first-seen";
  /** SQS message attribute values are limited to 256 KiB with the message; keep reasons short. */
  private static final int MAX_REASON_CHARS = 1_000;

  private final SqsClient sqs;
  private final String deadLetterQueueUrl;
  private final Clock clock;

  public DeadLetters(SqsClient sqs, String deadLetterQueueUrl, Clock clock) {
    this.sqs = sqs;
    this.deadLetterQueueUrl = deadLetterQueueUrl;
    this.clock = clock;
  }

  /**
   * Sends {@code message} to the dead-letter queue with {@code reason}.
   *
   * @param context what SQS said of the message; its request id travels as
   *     {@code sqlq-request-id}
   *
   * @throws AwsCallFailedException when the send failed; the caller then fails the record so it
   *     is redelivered rather than lost
   */
  public void send(SQSMessage message, MessageContext context, String reason) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    attributes.put(ERROR_ATTRIBUTE, text(reason.length() > MAX_REASON_CHARS
        ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason));
    attributes.put(FIRST_SEEN_ATTRIBUTE, text(clock.instant().toString()));
    attributes.put(MessageContext.REQUEST_ID_ATTRIBUTE, text(context.fallbackRequestId()));
    Map<String, String> sqsAttributes = message.getAttributes() == null ? Map.of() : message.getAttributes();
    String group = sqsAttributes.getOrDefault("MessageGroupId", "unknown");
    String dedup = sqsAttributes.getOrDefault("MessageDeduplicationId", message.getMessageId());
    try {
      sqs.sendMessage(SendMessageRequest.builder().queueUrl(deadLetterQueueUrl)
          .messageBody(message.getBody() == null || message.getBody().isEmpty() ? " " : message.getBody())
          .messageGroupId(group).messageDeduplicationId(dedup)
          .messageAttributes(attributes).build());
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS SendMessage to dead-letter queue " + deadLetterQueueUrl, e);
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
