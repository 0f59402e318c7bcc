package io.sqlq.client;

import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.protocol.StatementResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Plays the consumer for client tests: decodes each message sent to the request queue as
 * protocol v1 (requests without {@code replyTo} answer to the stack's default reply queue),
 * records its requests, and answers each with one reply on its {@code replyTo}: one reply
 * bundle per message and reply queue. A request whose first statement starts with {@code BAD} gets
 * an ERROR reply; every other statement reports one row changed. The database version rises by
 * one per message. Thread-safe.
 */
final class FakeConsumer {
  static final Instant APPLIED_AT = Instant.parse("2026-01-02T03:04:05Z");

  /** How the consumer answers. */
  enum Mode {
    /** Reply at once. */
    REPLY,
    /** Keep the replies until {@link #release()}. */
    HOLD,
    /** Never reply. */
    DROP
  }

  private final FakeSqs sqs;
  private final String defaultReplyTo;
  private final RequestCodec codec = new RequestCodec();
  private final ReplyCodec replyCodec = new ReplyCodec();
  private final List<List<Request>> messages = new ArrayList<>();
  private final List<Answer> held = new ArrayList<>();
  private final Map<String, Long> versions = new HashMap<>();
  private Mode mode = Mode.REPLY;

  private record Answer(String replyTo, Reply reply) {}

  private boolean replyTwice;

  FakeConsumer(FakeSqs sqs, String requestQueueUrl, String defaultReplyTo) {
    this.sqs = sqs;
    this.defaultReplyTo = defaultReplyTo;
    sqs.handle(requestQueueUrl, this::accept);
  }

  synchronized void mode(Mode mode) {
    this.mode = mode;
  }

  /**
   * Sends every reply twice, in two messages; the copy carries a database version 1,000 higher,
   * so a test sees which one completed the future.
   */
  synchronized void replyTwice() {
    this.replyTwice = true;
  }

  /** Sends the held replies, each in its own message. */
  synchronized void release() {
    held.forEach(answer -> send(List.of(answer)));
    held.clear();
  }

  /** The requests of each message received, in order. */
  synchronized List<List<Request>> messages() {
    return List.copyOf(messages);
  }

  /** The ids of the requests received for {@code database}, in the order they arrived. */
  synchronized List<String> requestIds(String database) {
    return messages.stream().flatMap(List::stream).filter(r -> r.db().equals(database)).map(Request::id).toList();
  }

  private synchronized void accept(Message message) {
    String group = message.attributesAsStrings().get("MessageGroupId");
    List<Request> requests = codec.decodeRequests(message.body(),
        new MessageContext(message.messageId(), group, null, defaultReplyTo));
    messages.add(requests);
    long version = versions.merge(group, 1L, Long::sum);
    List<Answer> answers = requests.stream().map(r -> new Answer(r.replyTo(), answer(r, version))).toList();
    switch (mode) {
      case REPLY -> {
        send(answers);
        if (replyTwice) {
          send(answers.stream().map(a -> new Answer(a.replyTo(), laterCopy(a.reply()))).toList());
        }
      }
      case HOLD -> held.addAll(answers);
      case DROP -> { }
    }
  }

  private static Reply answer(Request request, long version) {
    if (request.statements().get(0).sql().startsWith("BAD")) {
      return Reply.error(request, new ReplyError("SQLITE_ERROR", "near \"BAD\": syntax error", 0), version, APPLIED_AT);
    }
    List<StatementResult> results = request.statements().stream().map(s -> StatementResult.changes(1, version)).toList();
    return Reply.ok(request, results, version, APPLIED_AT);
  }

  private static Reply laterCopy(Reply r) {
    return new Reply(r.id(), r.db(), r.status(), r.results(), r.error(), r.dbVersion() + 1_000, r.appliedAt());
  }

  private void send(List<Answer> answers) {
    answers.stream().collect(Collectors.groupingBy(Answer::replyTo, LinkedHashMap::new, Collectors.toList()))
        .forEach((replyTo, group) -> sqs.put(replyTo,
            replyCodec.joinReplies(group.stream().map(a -> replyCodec.encodeReply(a.reply())).toList())));
  }
}
