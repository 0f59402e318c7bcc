package io.sqlq.consumer;

import static io.sqlq.consumer.SqsEvents.event;
import static io.sqlq.consumer.SqsEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.protocol.MalformedMessageException;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Coverage-guided fuzzing of the whole consumer handler (Jazzer): decoder, request screen,
 * refusals, the applier on a real SQLite file, the reply sender and the dead-letter path, with
 * in-memory twins of the store and the lock. Under {@code mvn verify} it runs only the seed
 * corpus in {@code src/test/resources/io/sqlq/consumer/ConsumerFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it mutates them for {@code maxDuration}.
 *
 * <p>The first byte of an input picks how the rest becomes a message of database {@code main}:
 * 0, the body as it is; 1, the SQL of one request; 2, SQL and then its values, separated by NUL
 * (a value that reads as a 64-bit integer is bound as one). Each event also carries two canary
 * requests, one in {@code main} after the fuzzed message and one in database {@code other}.
 *
 * <p>Properties: the handler never throws and fails no record; the fuzzed message is either
 * dead-lettered with a reason or every one of its requests gets exactly one reply; both canaries
 * get their OK reply with the right row.
 */
class ConsumerFuzzTest {
  private static final String REPLIES = TestStack.REPLIES;
  private static final String DEAD_LETTERS = TestStack.DEAD_LETTERS;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CANARIES = List.of("canary-main", "canary-other");
  private static final Path WORK = temporaryDirectory();

  private final ReplyCodec codec = new ReplyCodec();
  private final RequestCodec requestCodec = new RequestCodec();

  @FuzzTest(maxDuration = "30s")
  void everyRecordEndsAsRepliesOrADeadLetterAndCanariesAreAnswered(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String body = body(input[0], new String(input, 1, input.length - 1, StandardCharsets.UTF_8));
    SentMessages sqs = new SentMessages();
    var handler = ConsumerHandler.builder(TestStack.config(Duration.ofSeconds(1), Duration.ofMillis(20))).sqs(sqs)
        .lock(new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC())).store(new InMemoryDatabaseStore())
        .workDirectory(WORK).build();

    SQSBatchResponse response = handler.handleRequest(event(
        record("fuzzed", "main", body),
        record("canary-main", "main", "{\"id\":\"canary-main\",\"sql\":\"SELECT ?\",\"params\":[42]}"),
        record("canary-other", "other", "{\"id\":\"canary-other\",\"sql\":\"SELECT 7\"}")), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    List<Reply> replies = new ArrayList<>();
    List<SendMessageRequest> deadLetters = new ArrayList<>();
    for (SendMessageRequest sent : sqs.all()) {
      if (sent.queueUrl().equals(DEAD_LETTERS)) {
        deadLetters.add(sent);
      } else {
        assertThat(new ReplyQueues(REPLIES).allows(sent.queueUrl())).as(sent.queueUrl()).isTrue();
        replies.addAll(codec.decodeReplies(sent.messageBody()));
      }
    }
    List<String> expected = new ArrayList<>();
    try {
      requestCodec.decodeRequests(body, new MessageContext("fuzzed", "main", null, REPLIES)).stream()
          .map(Request::id).forEach(expected::add);
      assertThat(deadLetters).isEmpty();
    } catch (MalformedMessageException e) {
      assertThat(deadLetters).singleElement().satisfies(d ->
          assertThat(d.messageAttributes().get(DeadLetters.ERROR_ATTRIBUTE).stringValue()).isNotBlank());
    }
    // A fuzzed request that takes a canary's id is a duplicate send: the canary is then answered
    // by the exactly-once state after the fuzzed request, as designed.
    boolean canariesOwnTheirIds = expected.stream().noneMatch(CANARIES::contains);
    expected.addAll(CANARIES);
    assertThat(replies).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(replies).filteredOn(r -> canariesOwnTheirIds && CANARIES.contains(r.id())).allSatisfy(r -> {
      assertThat(r.ok()).as(r.id() + " " + r.error()).isTrue();
      assertThat(r.results().get(0).rows()).containsExactly(List.of(r.id().equals("canary-main") ? 42L : 7L));
    });
  }

  private static String body(byte mode, String rest) {
    return switch (Math.floorMod(mode, 3)) {
      case 0 -> rest;
      case 1 -> JSON.createObjectNode().put("id", "fuzz").put("sql", rest).toString();
      default -> {
        List<String> parts = Arrays.asList(rest.split("\u0000", -1));
        ObjectNode request = JSON.createObjectNode().put("id", "fuzz").put("sql", parts.get(0));
        ArrayNode params = request.putArray("params");
        for (String value : parts.subList(1, parts.size())) {
          try {
            params.add(Long.parseLong(value));
          } catch (NumberFormatException notANumber) {
            params.add(value);
          }
        }
        yield request.toString();
      }
    };
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("sqlq-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
