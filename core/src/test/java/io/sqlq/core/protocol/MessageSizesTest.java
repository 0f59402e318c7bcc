package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageSizesTest {
  private final RequestCodec codec = new RequestCodec();
  private final ReplyCodec replyCodec = new ReplyCodec();

  @Test
  void bundleByteAccountingMatchesTheJoinedBody() {
    Request a = new Request("a", "main", List.of(Statement.of("INSERT INTO t VALUES ('é', ?)", "日本")), null, null);
    List<String> elements = List.of(codec.encodeBundleElement(a, "http://q/r"), codec.encodeBundleElement(a, "http://q/r"));
    int expected = MessageSizes.requestBundleOverheadBytes("http://q/r")
        + elements.stream().mapToInt(MessageSizes::utf8Length).sum() + elements.size() - 1;

    assertThat(codec.joinBundle("http://q/r", elements).getBytes(StandardCharsets.UTF_8)).hasSize(expected);
  }

  @Test
  void aBundleWithoutReplyToHasTheEnvelopeOfTheEmptyBundle() {
    assertThat(MessageSizes.requestBundleOverheadBytes(null))
        .isEqualTo(MessageSizes.utf8Length(codec.joinBundle(null, List.of())))
        .isEqualTo("{\"v\":1,\"requests\":[]}".length());
  }

  @Test
  void replyBundleByteAccountingMatchesTheJoinedBody() {
    Request request = new Request("r", "main", List.of(Statement.of("SELECT 'é'")), null, null);
    Reply reply = Reply.ok(request, List.of(new StatementResult(List.of("x"), List.of(List.of("日本")), 0, null)),
        1, Instant.EPOCH);
    List<String> elements = List.of(replyCodec.encodeReply(reply), replyCodec.encodeReply(reply));
    int expected = MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES
        + elements.stream().mapToInt(MessageSizes::utf8Length).sum() + elements.size() - 1;

    assertThat(MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES).isEqualTo(20);
    assertThat(replyCodec.joinReplies(elements).getBytes(StandardCharsets.UTF_8)).hasSize(expected);
  }

  @Test
  void utf8LengthCountsMultiByteAndSurrogatePairs() {
    String s = "aé日😀";

    assertThat(MessageSizes.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length).isEqualTo(10);
  }
}
