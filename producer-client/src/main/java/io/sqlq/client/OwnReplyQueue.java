package io.sqlq.client;

import io.sqlq.core.aws.AwsCallFailedException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * A reply queue that belongs to one client for its lifetime (DESIGN.md, "Reply queues"): SQS
 * cannot filter a queue by receiver, so two clients reading one reply queue would take each
 * other's replies. Created under the stack's reply prefix (so the consumer's permission to
 * send to {@code <prefix>*} covers it), tagged with its owner and creation time, and deleted on
 * {@link #close()}. {@link SqlqClient.Builder#ownReplyQueue()} makes and deletes one for a
 * client; used directly, open it before the client and close it after, so the client has
 * stopped reading before the queue goes.
 */
public final class OwnReplyQueue implements AutoCloseable {
  /** Tag naming the process that created the queue ({@code pid@host}). */
  public static final String TAG_OWNER = "sqlq:reply-owner";
  /** Tag holding the creation time, epoch milliseconds. */
  public static final String TAG_CREATED_AT = "sqlq:created-at";
  /**
   * How long an unread reply stays: 86,400 s. Replies of a client that died without closing
   * are useless after its requests timed out; SQS's own default would keep them 4 days.
   */
  static final int RETENTION_SECONDS = 86_400;

  /** SQS queue names: 1 to 80 characters of {@code [A-Za-z0-9_-]} (CreateQueue API reference). */
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");
  private static final int SUFFIX_CHARS = 12;

  private final SqsClient sqs;
  private final String url;

  private OwnReplyQueue(SqsClient sqs, String url) {
    this.sqs = sqs;
    this.url = url;
  }

  /**
   * Creates a queue named {@code namePrefix} followed by 12 random hex characters.
   *
   * @param namePrefix the stack's reply prefix, such as {@code sqlq-replies-}; at most 68
   *     characters of {@code [A-Za-z0-9_-]}
   * @throws IllegalArgumentException when the prefix would make an invalid queue name
   * @throws AwsCallFailedException when the queue cannot be created
   */
  public static OwnReplyQueue create(SqsClient sqs, String namePrefix, Clock clock) {
    String name = namePrefix + UUID.randomUUID().toString().replace("-", "").substring(0, SUFFIX_CHARS);
    if (!QUEUE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("reply queue prefix '" + namePrefix + "' makes the invalid queue name '"
          + name + "': use at most " + (80 - SUFFIX_CHARS) + " characters of A-Z a-z 0-9 _ -");
    }
    try {
      String url = sqs.createQueue(b -> b.queueName(name)
          .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(RETENTION_SECONDS)))
          .tags(Map.of(TAG_OWNER, ProcessHandle.current().pid() + "@" + host(),
              TAG_CREATED_AT, Long.toString(clock.millis())))).queueUrl();
      return new OwnReplyQueue(sqs, url);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS CreateQueue " + name, e);
    }
  }

  /**
   * The reply prefix of a stack whose default reply queue is {@code defaultReplyQueueUrl}: its
   * queue name followed by {@code -} ({@code .../sqlq-replies} gives {@code sqlq-replies-}).
   */
  public static String prefixOf(String defaultReplyQueueUrl) {
    return defaultReplyQueueUrl.substring(defaultReplyQueueUrl.lastIndexOf('/') + 1) + "-";
  }

  /** The queue's URL, for {@link SqlqClient.Builder#replyQueueUrl(String)}. */
  public String url() {
    return url;
  }

  /**
   * Deletes the queue; a queue already gone is not an error.
   *
   * @throws AwsCallFailedException when the delete fails otherwise
   */
  @Override
  public void close() {
    try {
      sqs.deleteQueue(b -> b.queueUrl(url));
    } catch (QueueDoesNotExistException e) {
      // already deleted: the goal of close
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS DeleteQueue " + url, e);
    }
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown-host";
    }
  }
}
