package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.sqlq.consumer.ConsumerHandler;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.local.LocalEmulators;
import io.sqlq.local.StackProvisioner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The handler on one SQS event holding records of several databases, against the local emulators. */
class HandlerBatchIT {
  private static LocalEmulators emulators;
  private static AwsClients clients;
  private static SqlqConfig config;
  private static S3Client s3;
  private static SqsClient sqs;
  private static Ec2Client ec2;

  @BeforeAll
  static void start() {
    emulators = LocalEmulators.start();
    try (AwsClients bootstrap = new AwsClients(AwsClients.EMULATOR_REGION, emulators.endpoints());
        var s3 = bootstrap.newS3Client(); var q = bootstrap.newSqsClient(); var ec2 = bootstrap.newEc2Client()) {
      SqlqConfig provisioned = new StackProvisioner(s3, q, ec2).provision("handler",
          StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, Duration.ofMinutes(1));
      config = new SqlqConfig(provisioned.region(), provisioned.endpoints(), provisioned.bucket(), "",
          provisioned.requestQueueUrl(), provisioned.replyQueueUrl(), provisioned.deadLetterQueueUrl(),
          provisioned.lockVpcId(), provisioned.lease(), Duration.ofMillis(500), null, null);
    }
    clients = new AwsClients(config);
    s3 = clients.newS3Client();
    sqs = clients.newSqsClient();
    ec2 = clients.newEc2Client();
  }

  @AfterAll
  static void stop() {
    s3.close();
    sqs.close();
    ec2.close();
    clients.close();
    emulators.close();
  }

  @Test
  void twoDatabasesInOneBatchAreEachAppliedAndAnswered(@TempDir Path work) {
    ConsumerHandler handler = ConsumerHandler.builder(config).aws(s3, sqs, ec2).workDirectory(work).build();
    SQSEvent event = event(
        record("m1", "alpha", "{\"id\":\"a1\",\"sql\":\"CREATE TABLE t(v)\"}"),
        record("m2", "beta", "{\"id\":\"b1\",\"sql\":\"SELECT 'beta'\"}"),
        record("m3", "alpha", "{\"id\":\"a2\",\"sql\":\"INSERT INTO t VALUES (1)\"}"));

    SQSBatchResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    List<Reply> replies = drainReplies(3);
    assertThat(replies).extracting(Reply::id).containsExactlyInAnyOrder("a1", "a2", "b1");
    assertThat(replies).allMatch(Reply::ok);
  }

  @Test
  void aDatabaseWhoseLockStaysHeldFailsOnlyItsOwnRecords(@TempDir Path work) {
    ConsumerHandler handler = ConsumerHandler.builder(config).aws(s3, sqs, ec2).workDirectory(work).build();
    var lock = new SecurityGroupLock(ec2, config.lockVpcId(), Duration.ofMinutes(1), Clock.systemUTC());
    Lease held = lock.acquire("busy", Duration.ZERO);
    try {
      SQSEvent event = event(
          record("b1", "busy", "{\"id\":\"busy-1\",\"sql\":\"SELECT 1\"}"),
          record("f1", "free", "{\"id\":\"free-1\",\"sql\":\"SELECT 2\"}"),
          record("b2", "busy", "{\"id\":\"busy-2\",\"sql\":\"SELECT 3\"}"));

      SQSBatchResponse response = handler.handleRequest(event, null);

      assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
          .containsExactly("b1", "b2");
      assertThat(drainReplies(1)).extracting(Reply::id).containsExactly("free-1");
    } finally {
      lock.release(held);
    }
  }

  private static SQSEvent event(SQSEvent.SQSMessage... records) {
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(records));
    return event;
  }

  private static SQSEvent.SQSMessage record(String messageId, String group, String body) {
    SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
    m.setMessageId(messageId);
    m.setBody(body);
    m.setAttributes(Map.of("MessageGroupId", group, "ApproximateReceiveCount", "1"));
    m.setMessageAttributes(Map.of());
    return m;
  }

  private static List<Reply> drainReplies(int expected) {
    ReplyCodec codec = new ReplyCodec();
    List<Reply> replies = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (replies.size() < expected && System.nanoTime() < deadline) {
      for (var m : sqs.receiveMessage(b -> b.queueUrl(config.replyQueueUrl()).maxNumberOfMessages(10)
          .waitTimeSeconds(1)).messages()) {
        replies.addAll(codec.decodeReplies(m.body()));
        sqs.deleteMessage(b -> b.queueUrl(config.replyQueueUrl()).receiptHandle(m.receiptHandle()));
      }
    }
    return replies;
  }
}
