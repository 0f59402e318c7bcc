package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyCodecTest {
  private final ReplyCodec codec = new ReplyCodec();

  @Test
  void replyWithEveryFieldRoundTrips() {
    Request request = new Request("r", "main", List.of(Statement.of("SELECT 1")), null, null);
    Instant at = Instant.parse("2026-11-21T12:00:00Z");
    Reply ok = Reply.ok(request, List.of(
        new StatementResult(List.of("a", "b", "c", "d"), List.of(Arrays.asList(1L, "x", null, 1.5)), 0, null),
        StatementResult.changes(3, 7)), 42, at);

    Reply back = codec.decodeReplies(codec.encodeReply(ok)).get(0);

    assertThat(back).isEqualTo(ok);
    assertThat(codec.encodeReply(ok)).contains("\"rowsAffected\":3", "\"lastInsertRowid\":7", "\"dbVersion\":42",
        "\"appliedAt\":\"2026-11-21T12:00:00Z\"", "\"status\":\"OK\"");
  }

  @Test
  void errorReplyBundleRoundTrips() {
    Request request = new Request("r", "main", List.of(Statement.of("SELECT 1")), null, null);
    Instant at = Instant.parse("2026-11-21T12:00:00Z");
    Reply error = Reply.error(request, new ReplyError("SQLITE_CONSTRAINT_PRIMARYKEY", "UNIQUE constraint failed: t.id", 0), 5, at);
    Reply ok = Reply.ok(request, List.of(StatementResult.changes(1, 1)), 5, at);

    List<Reply> back = codec.decodeReplies(codec.joinReplies(List.of(codec.encodeReply(error), codec.encodeReply(ok))));

    assertThat(back).containsExactly(error, ok);
  }

  @Test
  void bytesInRowsRoundTripAsBase64() {
    Request request = new Request("r", "main", List.of(Statement.of("SELECT x")), null, null);
    Reply reply = Reply.ok(request, List.of(new StatementResult(List.of("x"), List.of(List.of(new byte[] {1, 2})), 0, null)),
        1, Instant.EPOCH);

    String encoded = codec.encodeReply(reply);
    Object value = codec.decodeReplies(encoded).get(0).results().get(0).rows().get(0).get(0);

    assertThat(encoded).contains("{\"base64\":\"AQI=\"}");
    assertThat((byte[]) value).containsExactly(1, 2);
  }

  @Test
  void replyWithoutStatusIsMalformed() {
    assertThatThrownBy(() -> codec.decodeReplies("{\"v\":1,\"id\":\"r\",\"db\":\"main\"}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("status");
  }
}
