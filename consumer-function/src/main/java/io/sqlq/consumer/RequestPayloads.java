package io.sqlq.consumer;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.payload.PayloadPointer;
import io.sqlq.core.protocol.MessageLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Resolves the payload pointers of request messages (Lambda delivers the pointer, not the
 * body) and deletes each payload object once its requests are delivered. A pointer is an order
 * to read S3 with the function's rights, so only pointers into the stack's own payload prefix
 * ({@code s3://<bucket>/<prefix>payloads/}) are followed; any other is refused with a reason
 * and its message dead-lettered.
 */
final class RequestPayloads {
  private static final Logger log = LoggerFactory.getLogger(RequestPayloads.class);

  /** A payload object read for a message: the exact version read, deleted after delivery. */
  record Read(String body, String key, String versionId) {}

  private final S3Client s3;
  private final String bucket;
  private final String keyPrefix;

  /**
   * @param s3 the function's S3 client, owned by the caller
   * @param bucket the stack's bucket
   * @param keyPrefix the payload prefix ({@link io.sqlq.core.SqlqConfig#payloadKeyPrefix()})
   */
  RequestPayloads(S3Client s3, String bucket, String keyPrefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
  }

  /**
   * Reads the object {@code pointer} names.
   *
   * @throws PayloadRefusedException (not retryable: dead-letter the message) when the pointer
   *     leads outside the payload prefix, the object does not exist, or it is larger than
   *     {@link MessageLimits#MAX_PAYLOAD_BYTES}
   * @throws AwsCallFailedException when S3 fails otherwise; retryable ones come back with the
   *     message's redelivery
   */
  Read read(PayloadPointer pointer) {
    if (!pointer.isUnder(bucket, keyPrefix)) {
      throw new PayloadRefusedException("the payload pointer names s3://" + pointer.bucket() + "/" + pointer.key()
          + ", outside s3://" + bucket + "/" + keyPrefix + ": not followed");
    }
    try (ResponseInputStream<GetObjectResponse> object = s3.getObject(b -> b.bucket(bucket).key(pointer.key()))) {
      Long length = object.response().contentLength();
      if (length != null && length > MessageLimits.MAX_PAYLOAD_BYTES) {
        object.abort();
        throw new PayloadRefusedException("the payload object s3://" + bucket + "/" + pointer.key() + " is " + length
            + " bytes, more than the " + MessageLimits.MAX_PAYLOAD_BYTES + " sqlq takes");
      }
      String body = new String(object.readAllBytes(), StandardCharsets.UTF_8);
      return new Read(body, pointer.key(), object.response().versionId());
    } catch (NoSuchKeyException e) {
      throw new PayloadRefusedException("the payload object s3://" + bucket + "/" + pointer.key() + " does not exist");
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 GetObject " + pointer.key(), e);
    } catch (IOException e) {
      throw AwsCallFailedException.of("S3 GetObject " + pointer.key(),
          SdkClientException.create("reading the object failed", e));
    }
  }

  /**
   * Deletes a payload whose requests were delivered: the version that was read, so nothing of
   * it stays in the versioned bucket. A failure is logged: the bucket's lifecycle rule expires
   * the object later.
   */
  void delete(Read payload) {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(payload.key()).versionId(payload.versionId()));
    } catch (SdkException e) {
      log.warn("could not delete delivered payload s3://{}/{} (the lifecycle rule expires it): {}",
          bucket, payload.key(), e.getMessage());
    }
  }
}
