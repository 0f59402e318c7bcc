package io.sqlq.consumer;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.ReplyCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Step 7 of the batch (DESIGN.md, "Consumer: one batch"): sends each reply to its request's
 * reply queue, packing the replies for one queue into reply bundles
 * ({@code {"v":1,"replies":[...]}}) of at most the body limit it is given. A FIFO reply queue (name ending {@code .fifo})
 * gets the database as message group id and a fresh deduplication id.
 *
 * <p>A reply queue that cannot take the reply for good (it does not exist, access is denied)
 * is logged and skipped: the requests are applied and published, and failing their records
 * would only re-answer them into the same void while delaying the other requests of the batch.
 * A transient failure (throttling, 5xx, no answer) is thrown, so the records are redelivered
 * and answered again from the last batch's stored replies.
 */
public final class ReplySender {
  private static final Logger log = LoggerFactory.getLogger(ReplySender.class);

  private final SqsClient sqs;
  private final ReplyCodec codec;
  private final int maxBodyBytes;

  /** @param maxBodyBytes the largest reply bundle, in bytes ({@link MessageLimits#MAX_BODY_BYTES} in the consumer) */
  public ReplySender(SqsClient sqs, ReplyCodec codec, int maxBodyBytes) {
    this.sqs = sqs;
    this.codec = codec;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Sends the replies of one database's batch.
   *
   * @return the number of messages sent
   * @throws AwsCallFailedException (retryable) when a send failed transiently; earlier
   *     messages may have been sent, which is harmless (the SDK ignores a second reply)
   */
  public int send(String db, List<AppliedRequest> applied) {
    Map<String, List<String>> byQueue = new LinkedHashMap<>();
    for (AppliedRequest a : applied) {
      if (a.request().replyTo() != null) {
        byQueue.computeIfAbsent(a.request().replyTo(), q -> new ArrayList<>()).add(a.encodedReply());
      }
    }
    int messages = 0;
    for (Map.Entry<String, List<String>> queue : byQueue.entrySet()) {
      for (List<String> bundle : pack(queue.getValue())) {
        if (!sendOne(db, queue.getKey(), codec.joinReplies(bundle), bundle.size())) {
          break;
        }
        messages++;
      }
    }
    return messages;
  }

  private List<List<String>> pack(List<String> replies) {
    List<List<String>> bundles = new ArrayList<>();
    List<String> current = new ArrayList<>();
    int bytes = MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES;
    for (String reply : replies) {
      int size = MessageSizes.utf8Length(reply) + 1;
      if (!current.isEmpty() && bytes + size > maxBodyBytes) {
        bundles.add(current);
        current = new ArrayList<>();
        bytes = MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES;
      }
      current.add(reply);
      bytes += size;
    }
    if (!current.isEmpty()) {
      bundles.add(current);
    }
    return bundles;
  }

  /** Returns false when the queue can never take replies (logged); throws when transient. */
  private boolean sendOne(String db, String queueUrl, String body, int replies) {
    var request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body);
    if (queueUrl.endsWith(".fifo")) {
      request.messageGroupId(db).messageDeduplicationId(UUID.randomUUID().toString());
    }
    try {
      sqs.sendMessage(request.build());
      return true;
    } catch (SdkException e) {
      AwsCallFailedException failure = AwsCallFailedException.of("SQS SendMessage to reply queue " + queueUrl, e);
      if (failure.retryable()) {
        throw failure;
      }
      log.error("dropping {} replies of database {}: {}", replies, db, failure.getMessage());
      return false;
    }
  }
}
