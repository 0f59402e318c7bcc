package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.client.OwnReplyQueue;
import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.DeadLetters;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Statement;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Submit -> FIFO queue -> consumer -> SQLite in S3 -> reply, on the local emulators. */
class PipelineIT {
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @Test
  void writesAndReadsAreAnsweredWithTheirResults(@TempDir Path dir) throws Exception {
    SqlqClient client = pipeline.client("rw");
    Reply create = client.submit("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)").get(60, TimeUnit.SECONDS);
    Reply insert = client.submit("INSERT INTO t(v) VALUES (?), (?)", "a", "b").get(60, TimeUnit.SECONDS);
    Reply select = client.submit("SELECT id, v FROM t ORDER BY id").get(60, TimeUnit.SECONDS);

    assertThat(create.ok()).isTrue();
    assertThat(insert.results().get(0).rowsAffected()).isEqualTo(2);
    assertThat(insert.results().get(0).lastInsertRowid()).isEqualTo(2);
    assertThat(select.results().get(0).columns()).containsExactly("id", "v");
    assertThat(select.results().get(0).rows()).containsExactly(List.of(1L, "a"), List.of(2L, "b"));
    assertThat(select.dbVersion()).isGreaterThanOrEqualTo(insert.dbVersion());
    assertThat(Pipeline.query(pipeline.export("rw", dir), "SELECT group_concat(v) FROM t")).isEqualTo("a,b");
  }

  @Test
  void aFailingTransactionIsRolledBackWhole(@TempDir Path dir) throws Exception {
    SqlqClient client = pipeline.client("tx");
    client.submit("CREATE TABLE t(id INTEGER PRIMARY KEY)").get(60, TimeUnit.SECONDS);

    Reply reply = client.submitTransaction(List.of(
        Statement.of("INSERT INTO t VALUES (1)"), Statement.of("INSERT INTO t VALUES (2)"),
        Statement.of("INSERT INTO t VALUES (1)"))).get(60, TimeUnit.SECONDS);

    assertThat(reply.ok()).isFalse();
    assertThat(reply.error().code()).isEqualTo("SQLITE_CONSTRAINT_PRIMARYKEY");
    assertThat(reply.error().statement()).isEqualTo(2);
    assertThat(Pipeline.query(pipeline.export("tx", dir), "SELECT count(*) FROM t")).isEqualTo("0");
  }

  @Test
  void aSqlErrorIsAnsweredWithItsSqliteCodeAndDoesNotBlockTheRequestsBehindIt(@TempDir Path dir) throws Exception {
    SqlqClient client = pipeline.client("err");
    var create = client.submit("CREATE TABLE t(v TEXT NOT NULL)");
    var bad = client.submit("INSERT INTO t VALUES (NULL)");
    var good = client.submit("INSERT INTO t VALUES ('after')");

    assertThat(create.get(60, TimeUnit.SECONDS).ok()).isTrue();
    assertThat(bad.get(60, TimeUnit.SECONDS).error().code()).isEqualTo("SQLITE_CONSTRAINT_NOTNULL");
    assertThat(good.get(60, TimeUnit.SECONDS).ok()).isTrue();
    assertThat(Pipeline.query(pipeline.export("err", dir), "SELECT group_concat(v) FROM t")).isEqualTo("after");
  }

  @Test
  void anUndecodableMessageGoesToTheDeadLetterQueueWithAReasonAndDoesNotBlockItsGroup() throws Exception {
    SqlqClient client = pipeline.client("poison");
    pipeline.sqs.sendMessage(b -> b.queueUrl(pipeline.local.config().requestQueueUrl())
        .messageGroupId("poison").messageDeduplicationId("poison-1").messageBody("this is not json"));

    Reply behind = client.submit("SELECT 42").get(60, TimeUnit.SECONDS);

    assertThat(behind.results().get(0).rows()).containsExactly(List.of(42L));
    Message dead = receiveOne(pipeline.local.config().deadLetterQueueUrl());
    assertThat(dead.body()).isEqualTo("this is not json");
    assertThat(dead.attributesAsStrings()).containsEntry("MessageGroupId", "poison")
        .containsEntry("MessageDeduplicationId", "poison-1");
    assertThat(dead.messageAttributes().get(DeadLetters.ERROR_ATTRIBUTE).stringValue()).contains("not JSON");
    assertThat(dead.messageAttributes()).containsKey(DeadLetters.FIRST_SEEN_ATTRIBUTE);
  }

  @Test
  void aConsoleMessageIsAnsweredOnTheDefaultReplyQueueUnderItsMessageId() throws Exception {
    String messageId = pipeline.sqs.sendMessage(b -> b.queueUrl(pipeline.local.config().requestQueueUrl())
        .messageGroupId("console").messageBody("{\"sql\": \"SELECT 'hello'\"}")).messageId();

    Message replyMessage = receiveOne(pipeline.local.config().replyQueueUrl());
    Reply reply = new ReplyCodec().decodeReplies(replyMessage.body()).get(0);

    assertThat(reply.id()).isEqualTo(messageId);
    assertThat(reply.db()).isEqualTo("console");
    assertThat(reply.results().get(0).rows()).containsExactly(List.of("hello"));
  }

  @Test
  void aRequestNamingAMissingReplyQueueIsAppliedAndTheOthersAreStillAnswered(@TempDir Path dir) throws Exception {
    String missing = pipeline.sqs.getQueueUrl(b -> b.queueName(
        pipeline.local.config().replyQueueUrl().substring(pipeline.local.config().replyQueueUrl().lastIndexOf('/') + 1)))
        .queueUrl() + "-no-such-queue";
    SqlqClient client = pipeline.client("noreply");
    client.submit("CREATE TABLE t(v)").get(60, TimeUnit.SECONDS);
    pipeline.sqs.sendMessage(b -> b.queueUrl(pipeline.local.config().requestQueueUrl()).messageGroupId("noreply")
        .messageBody("{\"id\":\"lost-reply\",\"sql\":\"INSERT INTO t VALUES ('x')\",\"replyTo\":\"" + missing + "\"}"));

    Reply after = client.submit("SELECT count(*) FROM t").get(60, TimeUnit.SECONDS);

    assertThat(after.results().get(0).rows()).containsExactly(List.of(1L));
    assertThat(Pipeline.query(pipeline.export("noreply", dir), "SELECT count(*) FROM t")).isEqualTo("1");
  }

  @Test
  void aClientsOwnReplyQueueIsCreatedUnderTheStacksReplyPrefixWithItsTagsAndDeletedOnClose() throws Exception {
    String url;
    try (SqlqClient client = SqlqClient.builder().sqs(pipeline.sqs)
        .requestQueueUrl(pipeline.local.config().requestQueueUrl())
        .defaultReplyQueueUrl(pipeline.local.config().replyQueueUrl()).ownReplyQueue()
        .defaultDatabase("own").replyWaitTime(java.time.Duration.ofSeconds(1)).build()) {
      url = client.replyQueueUrl();
      assertThat(url.substring(url.lastIndexOf('/') + 1)).matches("sqlq-replies-[0-9a-f]{12}");
      assertThat(pipeline.sqs.listQueueTags(b -> b.queueUrl(url)).tags())
          .containsKeys(OwnReplyQueue.TAG_OWNER, OwnReplyQueue.TAG_CREATED_AT);
      assertThat(client.submit("SELECT 1").get(60, TimeUnit.SECONDS).ok()).as("answered on it").isTrue();
    }

    assertThatThrownBy(() -> pipeline.sqs.getQueueAttributes(b -> b.queueUrl(url)))
        .isInstanceOf(QueueDoesNotExistException.class);
  }

  private static Message receiveOne(String queueUrl) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      var messages = pipeline.sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)
          .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
      if (!messages.isEmpty()) {
        return messages.get(0);
      }
    }
    throw new AssertionError("no message on " + queueUrl + " within 30 s");
  }
}
