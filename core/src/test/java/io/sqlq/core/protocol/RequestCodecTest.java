package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestCodecTest {
  private static final String REPLY_QUEUE = "http://localhost/000000000000/sqlq-replies";
  private static final MessageContext CONTEXT = new MessageContext("msg-1", "main", null, REPLY_QUEUE);
  private final RequestCodec codec = new RequestCodec();

  @Test
  void singleRequestWithEveryFieldDecodes() {
    List<Request> requests = codec.decodeRequests("""
        {"v":1,"id":"r1","db":"main","sql":"INSERT INTO t(a,b,c,d,e,f) VALUES (?,?,?,?,?,?)",
         "params":[1,"x",2.5,null,true,{"base64":"AAEC"}],"replyTo":"http://q/other"}""", CONTEXT);

    assertThat(requests).hasSize(1);
    Request r = requests.get(0);
    assertThat(r.id()).isEqualTo("r1");
    assertThat(r.db()).isEqualTo("main");
    assertThat(r.replyTo()).isEqualTo("http://q/other");
    Statement s = r.statements().get(0);
    assertThat(s.sql()).startsWith("INSERT INTO t");
    List<Object> values = ((Params.Positional) s.params()).values();
    assertThat(values.subList(0, 5)).containsExactly(1L, "x", 2.5, null, true);
    assertThat((byte[]) values.get(5)).containsExactly(0, 1, 2);
  }

  @Test
  void consoleMessageTakesItsDefaultsFromSqs() {
    Request r = codec.decodeRequests("{\"sql\":\"SELECT 1\"}", CONTEXT).get(0);

    assertThat(r.id()).isEqualTo("msg-1");
    assertThat(r.db()).isEqualTo("main");
    assertThat(r.replyTo()).isEqualTo(REPLY_QUEUE);
    assertThat(r.statements()).containsExactly(Statement.of("SELECT 1"));
  }

  @Test
  void oldQueryFormIsAcceptedAsSql() {
    Request r = codec.decodeRequests("{\"query\":\"SELECT 2\"}", CONTEXT).get(0);

    assertThat(r.statements().get(0).sql()).isEqualTo("SELECT 2");
  }

  @Test
  void requestIdAttributeWinsOverMessageIdForAReplayedConsoleMessage() {
    var replayed = new MessageContext("new-msg", "main", "original-msg", REPLY_QUEUE);

    assertThat(codec.decodeRequests("{\"sql\":\"SELECT 1\"}", replayed).get(0).id()).isEqualTo("original-msg");
  }

  @Test
  void namedParametersDecodeWithOrWithoutPrefix() {
    Request r = codec.decodeRequests("{\"sql\":\"SELECT :a, @b\",\"params\":{\":a\":1,\"b\":\"x\"}}", CONTEXT).get(0);

    assertThat(r.statements().get(0).params()).isEqualTo(new Params.Named(Map.of("a", 1L, "b", "x")));
  }

  @Test
  void transactionDecodesEveryStatementInOrder() {
    Request r = codec.decodeRequests("""
        {"id":"t1","statements":[{"sql":"INSERT INTO t VALUES (?)","params":[1]},{"sql":"DELETE FROM u"}]}""",
        CONTEXT).get(0);

    assertThat(r.isTransaction()).isTrue();
    assertThat(r.statements()).containsExactly(Statement.of("INSERT INTO t VALUES (?)", 1L), Statement.of("DELETE FROM u"));
  }

  @Test
  void bundleRoundTripsWithBundleReplyTo() {
    Request a = new Request("a", "main", List.of(Statement.of("INSERT INTO t VALUES (?)", 1)), "http://q/mine", null);
    Request b = new Request("b", "main", List.of(Statement.of("SELECT 1"), Statement.of("SELECT 2")), "http://q/mine", null);
    String body = codec.joinBundle("http://q/mine",
        List.of(codec.encodeBundleElement(a, "http://q/mine"), codec.encodeBundleElement(b, "http://q/mine")));

    assertThat(codec.encodeBundleElement(a, "http://q/mine")).doesNotContain("replyTo");
    assertThat(codec.decodeRequests(body, CONTEXT)).containsExactly(a, b);
  }

  @Test
  void bundleElementWithoutIdGetsMessageIdAndIndex() {
    List<Request> requests = codec.decodeRequests(
        "{\"v\":1,\"requests\":[{\"sql\":\"SELECT 1\"},{\"sql\":\"SELECT 2\"}]}", CONTEXT);

    assertThat(requests).extracting(Request::id).containsExactly("msg-1#0", "msg-1#1");
  }

  @Test
  void singleRequestRoundTrips() {
    Request r = new Request("x", "main", List.of(new Statement("SELECT ?", Params.of(new byte[] {9}, 3.0, false))), null, null);

    Request back = codec.decodeRequests(codec.encodeRequest(r), CONTEXT).get(0);

    assertThat(back.id()).isEqualTo("x");
    assertThat(back.replyTo()).isEqualTo(REPLY_QUEUE);
    List<Object> values = ((Params.Positional) back.statements().get(0).params()).values();
    assertThat((byte[]) values.get(0)).containsExactly(9);
    assertThat(values.subList(1, 3)).containsExactly(3.0, false);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      not json at all                                     | not JSON
      [1,2]                                               | must be a JSON object
      ''                                                  | empty
      {"v":2,"sql":"SELECT 1"}                            | unsupported protocol version 2
      {"v":"1","sql":"SELECT 1"}                          | unsupported protocol version
      {"sql":"SELECT 1","db":"other"}                     | names database 'other' but was sent to message group 'main'
      {"sql":"SELECT 1","parms":[1]}                      | unknown field 'parms'
      {"params":[1]}                                      | exactly one of 'sql', 'query'
      {"sql":"SELECT 1","query":"SELECT 2"}               | exactly one of
      {"sql":""}                                          | must be a non-blank string
      {"sql":42}                                          | must be a string
      {"sql":"SELECT ?","params":[[1]]}                   | params[0] must be null, a boolean
      {"sql":"SELECT ?","params":[{"base64":"%%"}]}       | not valid base64
      {"sql":"SELECT ?","params":[123456789012345678901]} | does not fit in 64 bits
      {"sql":"SELECT ?","params":"x"}                     | must be an array (positional) or an object (named)
      {"statements":[]}                                   | non-empty array
      {"statements":[{"sql":"SELECT 1","x":1}]}           | statements[0] has unknown field 'x'
      {"statements":[{"sql":"SELECT 1"}],"params":[1]}    | beside 'statements'
      {"requests":[]}                                     | non-empty array
      {"requests":[1]}                                    | requests[0] must be an object
      {"requests":[{"sql":"SELECT 1","v":3}]}             | requests[0] has unsupported protocol version 3
      {"sql":"SELECT 1"} trailing                         | not JSON
      """)
  void badInputIsAMalformedMessageThatSaysWhy(String body, String reason) {
    assertThatThrownBy(() -> codec.decodeRequests(body, CONTEXT))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void invalidDatabaseNameFromTheGroupIdIsMalformed() {
    var context = new MessageContext("m", "../etc", null, REPLY_QUEUE);

    assertThatThrownBy(() -> codec.decodeRequests("{\"sql\":\"SELECT 1\"}", context))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("invalid database name '../etc'");
  }

  @Test
  void requestIdLongerThanTheDeduplicationIdLimitIsMalformed() {
    String id = "x".repeat(Request.MAX_ID_LENGTH + 1);

    assertThatThrownBy(() -> codec.decodeRequests("{\"id\":\"" + id + "\",\"sql\":\"SELECT 1\"}", CONTEXT))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("longer than 128");
    assertThat(codec.decodeRequests("{\"id\":\"" + id.substring(1) + "\",\"sql\":\"SELECT 1\"}", CONTEXT))
        .hasSize(1);
  }

  @Test
  void producerAndSequenceTravelWithTheRequest() {
    Request r = codec.decodeRequests(
        "{\"id\":\"r\",\"sql\":\"SELECT 1\",\"producer\":\"p-1\",\"seq\":42}", CONTEXT).get(0);

    assertThat(r.sequence()).isEqualTo(new Sequence("p-1", 42));
    assertThat(codec.decodeRequests(codec.encodeRequest(r), CONTEXT).get(0).sequence()).isEqualTo(r.sequence());
    assertThat(codec.decodeRequests("{\"sql\":\"SELECT 1\"}", CONTEXT).get(0).sequence()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"sql":"SELECT 1","producer":"p"}                  | 'producer' without 'seq'
      {"sql":"SELECT 1","seq":1}                         | 'seq' without 'producer'
      {"sql":"SELECT 1","producer":"p","seq":0}          | 'seq' must be an integer from 1
      {"sql":"SELECT 1","producer":"p","seq":1.5}        | 'seq' must be an integer from 1
      {"sql":"SELECT 1","producer":"p","seq":"1"}        | 'seq' must be an integer from 1
      {"sql":"SELECT 1","producer":"p","seq":9223372036854775808} | 'seq' must be an integer from 1
      {"sql":"SELECT 1","producer":"","seq":1}           | 'producer' needs 1 to 64
      {"sql":"SELECT 1","producer":7,"seq":1}            | 'producer' must be a string
      """)
  void aSequenceWithoutItsProducerOrOutOfRangeIsMalformed(String body, String reason) {
    assertThatThrownBy(() -> codec.decodeRequests(body, CONTEXT))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void aProducerOfSixtyFourCharactersDecodesAndOneMoreIsMalformed() {
    String ok = "{\"sql\":\"SELECT 1\",\"producer\":\"" + "p".repeat(64) + "\",\"seq\":1}";

    assertThat(codec.decodeRequests(ok, CONTEXT).get(0).sequence().producer()).hasSize(64);
    assertThatThrownBy(() -> codec.decodeRequests(ok.replace("\"p", "\"pp"), CONTEXT))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void aSequenceAddedToAnEncodedElementDecodesAndAddsTheBytesItSays() {
    Request r = new Request("a", "main", List.of(Statement.of("INSERT INTO t VALUES (?)", "é")), "http://q/mine", null);
    String element = codec.encodeBundleElement(r, "http://q/mine");
    Sequence sequence = new Sequence("prod-é", Long.MAX_VALUE);

    String numbered = codec.withSequence(element, sequence);

    assertThat(MessageSizes.utf8Length(numbered) - MessageSizes.utf8Length(element))
        .isEqualTo(RequestCodec.sequenceBytes(sequence));
    Request back = codec.decodeRequests(codec.joinBundle("http://q/mine", List.of(numbered)), CONTEXT).get(0);
    assertThat(back).isEqualTo(new Request("a", "main", r.statements(), "http://q/mine", sequence));
  }
}
