package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sqlq.core.DatabaseName;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the request decoder (Jazzer). Under {@code mvn verify} it runs only
 * the seed corpus in {@code src/test/resources/io/sqlq/core/protocol/RequestCodecFuzzTestInputs/}
 * (valid messages of every shape, and inputs that once failed); with {@code JAZZER_FUZZ=1} it
 * mutates them for {@code maxDuration}.
 *
 * <p>Property: any body either decodes to valid requests or fails with
 * {@link MalformedMessageException} (the consumer dead-letters it with the message as reason);
 * nothing else is ever thrown, and a decoded request re-encodes to a body that decodes to the
 * same encoding.
 */
class RequestCodecFuzzTest {
  private static final MessageContext CONTEXT =
      new MessageContext("msg-1", "main", null, "http://localhost/000000000000/sqlq-replies");
  private final RequestCodec codec = new RequestCodec();

  @FuzzTest(maxDuration = "30s")
  void decodeRequestsEndsInRequestsOrMalformed(byte[] input) {
    List<Request> requests;
    try {
      requests = codec.decodeRequests(new String(input, StandardCharsets.UTF_8), CONTEXT);
    } catch (MalformedMessageException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(requests).isNotEmpty().hasSizeLessThanOrEqualTo(MessageLimits.MAX_REQUESTS_PER_BUNDLE);
    for (Request request : requests) {
      assertThat(DatabaseName.isValid(request.db())).isTrue();
      assertThat(request.db()).isEqualTo("main");
      String encoded = codec.encodeRequest(request);
      Request again = codec.decodeRequests(encoded, CONTEXT).get(0);
      assertThat(codec.encodeRequest(again)).isEqualTo(encoded);
    }
  }
}
