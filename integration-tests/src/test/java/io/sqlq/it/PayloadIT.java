package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.DeadLetters;
import io.sqlq.core.protocol.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Requests and replies over one SQS message, through payload objects in the stack's bucket, on moto_server. */
class PayloadIT {
  private static final int FIVE_MB = 5_000_000;
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @Test
  void aFiveMegabyteInsertIsAppliedAndAFiveMegabyteResultReturnedAndTheirPayloadsAreGone() throws Exception {
    SqlqClient client = pipeline.client("big");
    String value = "x".repeat(FIVE_MB - 7) + "-the-end";
    client.submit("CREATE TABLE t(v TEXT)").get(60, TimeUnit.SECONDS);

    Reply insert = client.submit("INSERT INTO t VALUES (?)", value).get(120, TimeUnit.SECONDS);
    Reply select = client.submit("SELECT v, length(v) FROM t").get(120, TimeUnit.SECONDS);

    assertThat(insert.ok()).as(String.valueOf(insert.error())).isTrue();
    assertThat(insert.results().getFirst().rowsAffected()).isEqualTo(1);
    assertThat(select.ok()).as(String.valueOf(select.error())).isTrue();
    assertThat(select.results().getFirst().rows()).containsExactly(List.of(value, (long) value.length()));
    assertThat(payloadObjectsWithin(30)).as("payload objects left").isEmpty();
  }

  @Test
  void aPointerToAPayloadThatDoesNotExistIsDeadLetteredWithAReasonAndBlocksNothing() throws Exception {
    String key = pipeline.local.config().payloadKeyPrefix() + "no-such-payload";
    sendPointer("ghost", "ghost-1", pipeline.local.config().bucket(), key);

    Reply behind = pipeline.client("ghost").submit("SELECT 42").get(60, TimeUnit.SECONDS);

    assertThat(behind.results().getFirst().rows()).containsExactly(List.of(42L));
    Message dead = receiveDeadLetter("ghost-1");
    assertThat(dead.messageAttributes().get(DeadLetters.ERROR_ATTRIBUTE).stringValue())
        .isEqualTo("the payload object s3://" + pipeline.local.config().bucket() + "/" + key + " does not exist");
  }

  @Test
  void aPointerOutsideThePayloadPrefixIsNotFollowedAndIsDeadLettered() throws Exception {
    SqlqClient client = pipeline.client("secret");
    client.submit("CREATE TABLE t(v)").get(60, TimeUnit.SECONDS);
    String databaseKey = pipeline.local.config().databaseKeys("secret").manifest();
    sendPointer("secret", "secret-1", pipeline.local.config().bucket(), databaseKey);
    sendPointer("secret", "secret-2", "someone-elses-bucket", pipeline.local.config().payloadKeyPrefix() + "x");

    Reply behind = client.submit("SELECT count(*) FROM t").get(60, TimeUnit.SECONDS);

    assertThat(behind.ok()).isTrue();
    assertThat(receiveDeadLetter("secret-1").messageAttributes().get(DeadLetters.ERROR_ATTRIBUTE).stringValue())
        .contains("s3://" + pipeline.local.config().bucket() + "/" + databaseKey).contains("not followed");
    assertThat(receiveDeadLetter("secret-2").messageAttributes().get(DeadLetters.ERROR_ATTRIBUTE).stringValue())
        .contains("s3://someone-elses-bucket/").contains("not followed");
  }

  /** Sends what the extended client library sends for an offloaded body: its pointer and size attribute. */
  private static void sendPointer(String group, String dedup, String bucket, String key) {
    pipeline.sqs.sendMessage(b -> b.queueUrl(pipeline.local.config().requestQueueUrl()).messageGroupId(group)
        .messageDeduplicationId(dedup)
        .messageBody("[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"" + bucket
            + "\",\"s3Key\":\"" + key + "\"}]")
        .messageAttributes(Map.of("ExtendedPayloadSize",
            MessageAttributeValue.builder().dataType("Number").stringValue("2000000").build())));
  }

  private static List<S3Object> payloadObjectsWithin(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<S3Object> left;
    do {
      left = pipeline.local.s3().listObjectsV2(b -> b.bucket(pipeline.local.config().bucket())
          .prefix(pipeline.local.config().payloadKeyPrefix())).contents();
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return left;
  }

  /** Dead letters received so far, by deduplication id: one receive may bring several. */
  private static final Map<String, Message> deadLetters = new ConcurrentHashMap<>();

  private static Message receiveDeadLetter(String dedup) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!deadLetters.containsKey(dedup) && System.nanoTime() < deadline) {
      for (Message m : pipeline.sqs.receiveMessage(b -> b.queueUrl(pipeline.local.config().deadLetterQueueUrl())
          .waitTimeSeconds(1).maxNumberOfMessages(10).visibilityTimeout(600)
          .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages()) {
        deadLetters.put(m.attributesAsStrings().get("MessageDeduplicationId"), m);
      }
    }
    if (deadLetters.containsKey(dedup)) {
      return deadLetters.get(dedup);
    }
    throw new AssertionError("no dead letter " + dedup + " within 30 s");
  }
}
