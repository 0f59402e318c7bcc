package io.sqlq.consumer;

import static io.sqlq.consumer.SqsEvents.event;
import static io.sqlq.consumer.SqsEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * A sender who may write to the request queue tries to reach past the database it names: another
 * database's working copy on the function's disk, other files, the environment (credentials),
 * and other queues. The consumer is built as in Lambda, on in-memory twins of the store and lock.
 */
class MaliciousRequestTest {
  private static final String REPLIES = TestStack.REPLIES;
  private static final String DEAD_LETTERS = TestStack.DEAD_LETTERS;
  private static final String VICTIM_SECRET = "the-victims-secret";
  private static final String FILE_SECRET = "a-file-secret";

  private final ReplyCodec codec = new ReplyCodec();
  private final SentMessages sqs = new SentMessages();
  private final InMemoryDatabaseStore store = new InMemoryDatabaseStore();
  @TempDir Path work;
  private ConsumerHandler handler;

  @BeforeEach
  void build() {
    handler = ConsumerHandler.builder(TestStack.config(Duration.ofSeconds(1), Duration.ofSeconds(10))).sqs(sqs)
        .lock(new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC())).store(store).workDirectory(work).build();
  }

  @Test
  void aRequestCannotReadAnotherDatabaseAFileOfTheDiskOrTheEnvironment() throws IOException {
    handler.handleRequest(event(record("v", "victim", "{\"v\":1,\"requests\":[{\"id\":\"v1\",\"sql\":\"CREATE TABLE"
        + " secret(s)\"},{\"id\":\"v2\",\"sql\":\"INSERT INTO secret VALUES ('" + VICTIM_SECRET + "')\"}]}")), null);
    Path victimCopy = work.resolve("victim.sqlite");
    assertThat(victimCopy).exists();
    Path secretFile = Files.writeString(work.resolve("secret.txt"), FILE_SECRET);
    Path stolen = work.resolve("stolen.sqlite");
    List<String> attempts = List.of(
        "ATTACH '" + victimCopy + "' AS v",
        "ATTACH 'file:" + victimCopy + "?mode=ro' AS v",
        "SELECT s FROM v.secret",
        "ATTACH '/etc/passwd' AS p",
        "SELECT readfile('/etc/passwd')",
        "SELECT readfile('" + secretFile + "')",
        "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6', 'system')",
        "VACUUM INTO '" + stolen + "'",
        "SELECT getenv('AWS_SECRET_ACCESS_KEY')",
        "SELECT * FROM sqlite_dbpage",
        "PRAGMA temp_store_directory = '/tmp'",
        "SELECT fts3_tokenizer('simple')");
    sqs.clear();

    handler.handleRequest(event(record("a", "attacker", bundle(attempts))), null);

    List<Reply> replies = replies();
    assertThat(replies).hasSize(attempts.size());
    assertThat(replies).allSatisfy(r -> assertThat(r.ok()).as(r.id()).isFalse());
    assertThat(replies).extracting(r -> r.error().code()).containsExactly(
        "SQLQ_ATTACH_REFUSED", "SQLQ_ATTACH_REFUSED", "SQLITE_ERROR", "SQLQ_ATTACH_REFUSED", "SQLITE_ERROR",
        "SQLITE_ERROR", "SQLQ_FUNCTION_REFUSED", "SQLQ_VACUUM_REFUSED", "SQLITE_ERROR", "SQLITE_ERROR",
        "SQLQ_PRAGMA_REFUSED", "SQLQ_FUNCTION_REFUSED");
    assertThat(replies.get(2).error().message()).endsWith("(no such table: v.secret)");
    assertThat(replies.get(4).error().message()).endsWith("(no such function: readfile)");
    assertThat(replies.get(8).error().message()).endsWith("(no such function: getenv)");
    String everything = String.join("\n", sqs.all().stream().map(SendMessageRequest::messageBody).toList());
    assertThat(everything).doesNotContain(VICTIM_SECRET, FILE_SECRET, "root:x:0:0");
    for (String value : System.getenv().values()) {
      if (value.length() >= 12) {
        assertThat(everything).doesNotContain(value);
      }
    }
    assertThat(stolen).doesNotExist();
  }

  @Test
  void aReplyQueueOutsideTheStackGetsNothingAndTheSenderIsToldOnTheDefaultQueue() {
    String victimQueue = "http://sqs.local/000000000000/victim-queue";

    handler.handleRequest(event(record("m", "main", "{\"id\":\"deputy\",\"sql\":\"SELECT 'spam'\",\"replyTo\":\""
        + victimQueue + "\"}")), null);

    assertThat(sqs.all()).extracting(SendMessageRequest::queueUrl).containsExactly(REPLIES);
    Reply reply = replies().get(0);
    assertThat(reply.id()).isEqualTo("deputy");
    assertThat(reply.error().code()).isEqualTo("SQLQ_REPLY_QUEUE_REFUSED");
  }

  private List<Reply> replies() {
    List<Reply> replies = new ArrayList<>();
    sqs.all().stream().filter(r -> r.queueUrl().equals(REPLIES)).forEach(r -> replies.addAll(codec.decodeReplies(r.messageBody())));
    return replies;
  }

  private static String bundle(List<String> sqls) {
    ObjectMapper json = new ObjectMapper();
    var root = json.createObjectNode().put("v", 1);
    var requests = root.putArray("requests");
    for (int i = 0; i < sqls.size(); i++) {
      requests.addObject().put("id", "a" + i).put("sql", sqls.get(i));
    }
    return root.toString();
  }
}
