package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property-based tests (jqwik) of the request decoder on arbitrary and on mutated valid bodies. */
class RequestCodecProperties {
  private static final MessageContext CONTEXT =
      new MessageContext("msg-1", "main", null, "http://localhost/000000000000/sqlq-replies");
  private final RequestCodec codec = new RequestCodec();

  @Property(tries = 2_000)
  void anyStringDecodesOrIsMalformed(@ForAll String body) {
    decodeOrMalformed(body);
  }

  @Property(tries = 2_000)
  void aValidRequestSurvivesEncodeAndDecode(@ForAll("requests") Request request) {
    String encoded = codec.encodeRequest(request);

    Request decoded = codec.decodeRequests(encoded, CONTEXT).get(0);

    Request withDefaults = request.replyTo() != null ? request
        : new Request(request.id(), request.db(), request.statements(), CONTEXT.defaultReplyTo(), request.sequence());
    assertThat(codec.encodeRequest(decoded)).isEqualTo(codec.encodeRequest(withDefaults));
    assertThat(decoded.id()).isEqualTo(request.id());
    assertThat(decoded.statements()).hasSameSizeAs(request.statements());
  }

  @Property(tries = 5_000)
  void aMutatedValidMessageDecodesOrIsMalformed(
      @ForAll("requests") Request request, @ForAll("mutations") List<Mutation> mutations) {
    StringBuilder body = new StringBuilder(codec.encodeRequest(request));
    for (Mutation m : mutations) {
      m.apply(body);
    }
    decodeOrMalformed(body.toString());
  }

  private void decodeOrMalformed(String body) {
    try {
      List<Request> requests = codec.decodeRequests(body, CONTEXT);
      assertThat(requests).isNotEmpty().allSatisfy(r -> assertThat(r.db()).isEqualTo("main"));
    } catch (MalformedMessageException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /** Deletes, inserts or replaces one character at a relative position. */
  record Mutation(int kind, double where, char c) {
    void apply(StringBuilder s) {
      int at = (int) (where * s.length());
      switch (kind) {
        case 0 -> {
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
        }
        case 1 -> s.insert(at, c);
        default -> {
          if (at < s.length()) {
            s.setCharAt(at, c);
          }
        }
      }
    }
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Character> chars = Arbitraries.oneOf(Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', '0', 'e',
        '-', 'n', 't', ' '), Arbitraries.chars());
    return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.doubles().between(0, 1), chars)
        .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> ids = Arbitraries.strings().ofMinLength(1).ofMaxLength(Request.MAX_ID_LENGTH);
    Arbitrary<String> sql = Arbitraries.strings().ofMinLength(1).ofMaxLength(200).filter(s -> !s.isBlank());
    Arbitrary<Object> value = Arbitraries.oneOf(
        Arbitraries.just(null), Arbitraries.of(true, false), Arbitraries.longs(),
        Arbitraries.doubles().filter(Double::isFinite), Arbitraries.strings().ofMaxLength(50),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(20));
    Arbitrary<Params> positional = value.list().ofMaxSize(5).map(values -> new Params.Positional(new ArrayList<>(values)));
    // Names may start with a prefix character themselves (":a" binds "::a"): the round trip keeps them.
    Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.strings().withChars(":@$a_").ofMinLength(1).ofMaxLength(4),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(10));
    Arbitrary<Params> named = Arbitraries.maps(names, value)
        .ofMaxSize(4).map(Params.Named::new);
    Arbitrary<Statement> statement = Combinators.combine(sql, Arbitraries.oneOf(positional, named)).as(Statement::new);
    Arbitrary<String> replyTo = Arbitraries.oneOf(Arbitraries.just(null),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30).map(n -> "http://localhost/000000000000/" + n));
    Arbitrary<Sequence> sequence = Arbitraries.oneOf(Arbitraries.just(null), Combinators.combine(
        Arbitraries.strings().ofMinLength(1).ofMaxLength(Sequence.MAX_PRODUCER_LENGTH),
        Arbitraries.longs().between(1, Long.MAX_VALUE)).as(Sequence::new));
    return Combinators.combine(ids, statement.list().ofMinSize(1).ofMaxSize(4), replyTo, sequence)
        .as((id, statements, to, seq) -> new Request(id, "main", statements, to, seq));
  }
}
