package io.sqlq.core.payload;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClientUtil;
import java.util.Collection;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.payloadoffloading.PayloadS3Pointer;

/**
 * A message body that stands for a payload object in S3, in the format of the SQS extended
 * client library ({@code amazon-sqs-java-extended-client-lib} 2.x with
 * {@code payloadoffloading-common}): the body is
 * {@code ["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"...","s3Key":"..."}]}
 * and the message carries the attribute {@code ExtendedPayloadSize} (older senders:
 * {@code SQSLargePayloadSize}) with the payload's size in bytes. Parsed with the library's own
 * {@link PayloadS3Pointer}, so whatever the library writes, sqlq reads.
 *
 * @param bucket the bucket the pointer names
 * @param key the object key it names
 */
public record PayloadPointer(String bucket, String key) {
  /**
   * The pointer a message carries, or empty when it carries its body itself: a message is a
   * pointer exactly when it has one of the library's reserved attributes
   * ({@link AmazonSQSExtendedClientUtil#RESERVED_ATTRIBUTE_NAMES}).
   *
   * @param attributeNames the names of the message's message attributes
   * @throws MalformedPointerException when the message has the attribute but its body is not a
   *     pointer naming a bucket and a key
   */
  public static Optional<PayloadPointer> of(String body, Collection<String> attributeNames) {
    if (AmazonSQSExtendedClientUtil.RESERVED_ATTRIBUTE_NAMES.stream().noneMatch(attributeNames::contains)) {
      return Optional.empty();
    }
    PayloadS3Pointer pointer;
    try {
      pointer = PayloadS3Pointer.fromJson(body);
    } catch (SdkClientException | IllegalArgumentException e) {
      throw new MalformedPointerException("the message has a payload size attribute but its body is not a payload"
          + " pointer: " + e.getMessage());
    }
    if (pointer == null || blank(pointer.getS3BucketName()) || blank(pointer.getS3Key())) {
      throw new MalformedPointerException("the payload pointer names no bucket or no key");
    }
    return Optional.of(new PayloadPointer(pointer.getS3BucketName(), pointer.getS3Key()));
  }

  /**
   * Whether the pointer names an object under {@code keyPrefix} of {@code bucket}, with no
   * {@code ..} path segment (S3 keys are flat, but a key must not read as leaving the prefix).
   */
  public boolean isUnder(String expectedBucket, String keyPrefix) {
    return bucket.equals(expectedBucket) && key.startsWith(keyPrefix) && key.length() > keyPrefix.length()
        && !("/" + key + "/").contains("/../");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
