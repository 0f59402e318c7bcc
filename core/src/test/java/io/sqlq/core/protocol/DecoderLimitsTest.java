package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The message-wide limits: both sides of each, and the reason a dead-lettered message carries. */
class DecoderLimitsTest {
  private static final MessageContext CONTEXT =
      new MessageContext("m", "main", null, "http://localhost/000000000000/sqlq-replies");
  private final RequestCodec codec = new RequestCodec();

  @Test
  void aBodyOfExactlyTheLargestPayloadDecodes() {
    String body = bodyOfBytes(MessageLimits.MAX_PAYLOAD_BYTES);

    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(67_108_864);
    assertThat(codec.decodeRequests(body, CONTEXT)).hasSize(1);
  }

  @Test
  void aBodyOneByteLongerThanTheLargestPayloadIsMalformed() {
    String body = bodyOfBytes(MessageLimits.MAX_PAYLOAD_BYTES + 1);

    assertThatThrownBy(() -> codec.decodeRequests(body, CONTEXT))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("message body is 67108865 bytes, more than the 67108864 bytes sqlq takes through S3");
  }

  @Test
  void aBundleOfTheMostRequestsDecodes() {
    assertThat(codec.decodeRequests(bundleOf(MessageLimits.MAX_REQUESTS_PER_BUNDLE), CONTEXT)).hasSize(10_000);
  }

  @Test
  void aBundleOfOneRequestMoreIsMalformed() {
    assertThatThrownBy(() -> codec.decodeRequests(bundleOf(MessageLimits.MAX_REQUESTS_PER_BUNDLE + 1), CONTEXT))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("bundle holds 10001 requests, more than 10000; send them in several messages");
  }

  /** Found by fuzzing: an empty id escaped as IllegalArgumentException and failed the whole batch. */
  @Test
  void anEmptyRequestIdIsMalformed() {
    assertThat(codec.decodeRequests(withId("x"), CONTEXT).get(0).id()).isEqualTo("x");
    assertThatThrownBy(() -> codec.decodeRequests(withId(""), CONTEXT))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("message id is empty; leave it out to use the SQS message id");
  }

  @Test
  void deeplyNestedJsonIsMalformedNotAStackOverflow() {
    String body = "{\"sql\":\"SELECT ?\",\"params\":[" + "[".repeat(100_000) + "]".repeat(100_000) + "]}";

    assertThatThrownBy(() -> codec.decodeRequests(body, CONTEXT))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("nesting depth");
  }

  /** A request whose body is {@code bytes} UTF-8 bytes, padded with a multi-byte character. */
  private static String bodyOfBytes(int bytes) {
    String head = "{\"sql\":\"SELECT '";
    String tail = "'\"}";
    int pad = bytes - head.length() - tail.length();
    // 'é' is two bytes: fill with it, and one 'x' when the pad is odd.
    return head + "é".repeat(pad / 2) + "x".repeat(pad % 2) + tail;
  }

  private static String withId(String id) {
    return "{\"id\":\"" + id + "\",\"sql\":\"SELECT 1\"}";
  }

  private static String bundleOf(int requests) {
    return "{\"v\":1,\"requests\":[" + String.join(",", Collections.nCopies(requests, "{\"sql\":\"SELECT 1\"}")) + "]}";
  }
}
