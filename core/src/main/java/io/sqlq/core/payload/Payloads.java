package io.sqlq.core.payload;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import io.sqlq.core.protocol.MessageLimits;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Bodies over one SQS message, through S3, with the SQS extended client library
 * ({@code amazon-sqs-java-extended-client-lib} 2.x): the SDK's request bundles and the
 * consumer's reply bundles are sent, and replies received, through {@link #offloading}.
 */
public final class Payloads {
  private Payloads() {}

  /**
   * {@code sqs} wrapped in the library's {@link AmazonSQSExtendedClient}: a SendMessage whose body
   * and attributes take more than {@link MessageLimits#MAX_BODY_BYTES} stores the body as an
   * object {@code <keyPrefix><random UUID>} in {@code bucket} and sends a
   * {@link PayloadPointer} instead; a ReceiveMessage replaces each pointer by the object's text;
   * a DeleteMessage(Batch) of such a message deletes the object too (the library's
   * {@code cleanupS3Payload}). Other calls pass through. Do not close the result: closing it
   * closes {@code sqs}, which its owner closes.
   *
   * @param s3 the client for the payload objects; the caller owns it
   * @param bucket the stack's bucket
   * @param keyPrefix where payload objects go, {@link io.sqlq.core.SqlqConfig#payloadKeyPrefix()}
   */
  public static SqsClient offloading(SqsClient sqs, S3Client s3, String bucket, String keyPrefix) {
    return new AmazonSQSExtendedClient(sqs, new ExtendedClientConfiguration()
        .withPayloadSupportEnabled(s3, bucket, true)
        .withS3KeyPrefix(keyPrefix)
        .withPayloadSizeThreshold(MessageLimits.MAX_BODY_BYTES));
  }
}
