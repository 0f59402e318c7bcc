package io.sqlq.core.protocol;

import static io.sqlq.core.protocol.WireJson.BUNDLE_SUFFIX;
import static io.sqlq.core.protocol.WireJson.NODES;
import static io.sqlq.core.protocol.WireJson.VERSION;
import static io.sqlq.core.protocol.WireJson.checkFields;
import static io.sqlq.core.protocol.WireJson.checkVersion;
import static io.sqlq.core.protocol.WireJson.optionalText;
import static io.sqlq.core.protocol.WireJson.parse;
import static io.sqlq.core.protocol.WireJson.value;
import static io.sqlq.core.protocol.WireJson.valueNode;
import static io.sqlq.core.protocol.WireJson.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sqlq.core.DatabaseName;
import io.sqlq.core.InvalidDatabaseNameException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON codec of the request side of wire protocol v1 (DESIGN.md, "Wire protocol v1"): single
 * requests, transactions and request bundles. The producer encodes with it, the consumer (and
 * the dead-letter tools) decode. Thread-safe and stateless.
 *
 * <p>Decoding is strict: an unknown field, a wrong type or a missing field is a
 * {@link MalformedMessageException} naming the field, because a misspelt {@code "parms"}
 * silently ignored would apply a different statement from the one the sender meant.
 *
 * <p>What a bundle's envelope adds to its elements, in bytes, is
 * {@link MessageSizes#requestBundleOverheadBytes(String)}. Replies are {@link ReplyCodec}'s.
 */
public final class RequestCodec {
  private static final Set<String> REQUEST_FIELDS =
      Set.of("v", "id", "db", "sql", "query", "params", "statements", "replyTo", "producer", "seq");
  private static final Set<String> BUNDLE_FIELDS = Set.of("v", "requests", "replyTo");
  private static final Set<String> STATEMENT_FIELDS = Set.of("sql", "params");

  /** A codec; all codecs share one configured Jackson mapper. */
  public RequestCodec() {}

  /**
   * Encodes one request as a stand-alone message body: {@code {"v":1,"id":...,"db":...,
   * "sql":...,"params":[...],"replyTo":...}}, or {@code "statements":[{"sql":...,"params":...},
   * ...]} for a transaction. Named params are written as an object with a {@code ':'} before
   * each name; positional params as an array, left out when empty; {@code replyTo} is left out
   * when null. Throws nothing for a valid {@link Request}: its values are wire types already.
   */
  public String encodeRequest(Request request) {
    return write(requestNode(request, true));
  }

  /**
   * Encodes one request as an element of a bundle: no {@code v}, and no {@code replyTo} when
   * it equals the bundle's.
   *
   * @param bundleReplyTo the {@code replyTo} of the bundle the element goes in, or null
   */
  public String encodeBundleElement(Request request, String bundleReplyTo) {
    ObjectNode node = requestNode(request, false);
    if (bundleReplyTo != null && bundleReplyTo.equals(request.replyTo())) {
      node.remove("replyTo");
    }
    return write(node);
  }

  /**
   * Joins elements made by {@link #encodeBundleElement} into one bundle body,
   * {@code {"v":1,"replyTo":...,"requests":[...]}} ({@code replyTo} left out when null). The
   * body's length in UTF-8 bytes is {@link MessageSizes#requestBundleOverheadBytes(String)} plus
   * the elements' bytes plus one comma between each. Neither the count nor the bytes are
   * checked here: the sender keeps them within {@link MessageLimits#MAX_REQUESTS_PER_BUNDLE} and
   * {@link MessageLimits#MAX_BODY_BYTES}.
   */
  public String joinBundle(String replyTo, List<String> encodedElements) {
    return bundlePrefix(replyTo) + String.join(",", encodedElements) + BUNDLE_SUFFIX;
  }

  /**
   * {@code element}, made by {@link #encodeBundleElement} from a request without a sequence,
   * with {@code sequence} written first: {@code {"producer":...,"seq":N,...}}. The SDK numbers a
   * request when it queues it, after it was encoded and measured on the caller's thread. The
   * result is {@link #sequenceBytes} bytes longer.
   *
   * @throws IllegalArgumentException when {@code element} is not a JSON object's text
   */
  public String withSequence(String element, Sequence sequence) {
    if (!element.startsWith("{") || element.length() < 2) {
      throw new IllegalArgumentException("not an encoded request: " + element);
    }
    return sequencePrefix(sequence) + element.substring(1);
  }

  /**
   * How many UTF-8 bytes {@link #withSequence} adds for {@code sequence}; at most
   * {@code sequenceBytes(new Sequence(producer, Long.MAX_VALUE))} for any number.
   */
  public static int sequenceBytes(Sequence sequence) {
    return MessageSizes.utf8Length(sequencePrefix(sequence)) - 1;
  }

  private static String sequencePrefix(Sequence sequence) {
    return "{\"producer\":" + write(NODES.textNode(sequence.producer())) + ",\"seq\":" + sequence.number() + ",";
  }

  /** What opens a request bundle before its first element, {@code replyTo} JSON-escaped. */
  static String bundlePrefix(String replyTo) {
    return replyTo == null
        ? "{\"v\":1,\"requests\":["
        : "{\"v\":1,\"replyTo\":" + write(NODES.textNode(replyTo)) + ",\"requests\":[";
  }

  private ObjectNode requestNode(Request request, boolean withVersion) {
    ObjectNode node = NODES.objectNode();
    if (withVersion) {
      node.put("v", VERSION);
    }
    node.put("id", request.id());
    node.put("db", request.db());
    if (request.isTransaction()) {
      ArrayNode statements = node.putArray("statements");
      for (Statement statement : request.statements()) {
        ObjectNode s = statements.addObject();
        s.put("sql", statement.sql());
        putParams(s, statement.params());
      }
    } else {
      Statement statement = request.statements().get(0);
      node.put("sql", statement.sql());
      putParams(node, statement.params());
    }
    if (request.replyTo() != null) {
      node.put("replyTo", request.replyTo());
    }
    if (request.sequence() != null) {
      node.put("producer", request.sequence().producer());
      node.put("seq", request.sequence().number());
    }
    return node;
  }

  private void putParams(ObjectNode target, Params params) {
    switch (params) {
      case Params.Positional p -> {
        if (!p.values().isEmpty()) {
          ArrayNode array = target.putArray("params");
          p.values().forEach(v -> array.add(valueNode(v)));
        }
      }
      case Params.Named n -> {
        // Always with a ':' prefix: the decoder strips one prefix, so a name that itself starts
        // with ':', '@' or '$' comes back unchanged (found by fuzzing the round trip).
        ObjectNode object = target.putObject("params");
        n.values().forEach((k, v) -> object.set(":" + k, valueNode(v)));
      }
    }
  }

  /**
   * Decodes a request message body: a single request, a transaction, or a bundle, applying the
   * defaults of protocol v1 from {@code context}.
   *
   * @return the requests in message order, at least one
   * @param body the message body, or the payload object a pointer named (a body longer than one
   *     SQS message can only come from one)
   * @throws MalformedMessageException when the body is not valid protocol v1, is longer than
   *     {@link MessageLimits#MAX_PAYLOAD_BYTES}, is a bundle of more than
   *     {@link MessageLimits#MAX_REQUESTS_PER_BUNDLE} requests, or a request names a database
   *     other than the message group id
   */
  public List<Request> decodeRequests(String body, MessageContext context) {
    if (body != null && body.length() > MessageLimits.MAX_PAYLOAD_BYTES / 3
        && MessageSizes.utf8Length(body) > MessageLimits.MAX_PAYLOAD_BYTES) {
      throw new MalformedMessageException("message body is " + MessageSizes.utf8Length(body)
          + " bytes, more than the " + MessageLimits.MAX_PAYLOAD_BYTES + " bytes sqlq takes through S3");
    }
    JsonNode root = parse(body);
    checkVersion(root, "message");
    if (root.has("requests")) {
      checkFields(root, BUNDLE_FIELDS, "bundle");
      JsonNode elements = root.get("requests");
      if (!elements.isArray() || elements.isEmpty()) {
        throw new MalformedMessageException("field 'requests' must be a non-empty array");
      }
      if (elements.size() > MessageLimits.MAX_REQUESTS_PER_BUNDLE) {
        throw new MalformedMessageException("bundle holds " + elements.size() + " requests, more than "
            + MessageLimits.MAX_REQUESTS_PER_BUNDLE + "; send them in several messages");
      }
      String replyTo = optionalText(root, "replyTo", "bundle");
      replyTo = replyTo == null ? context.defaultReplyTo() : replyTo;
      List<Request> requests = new ArrayList<>(elements.size());
      for (int i = 0; i < elements.size(); i++) {
        JsonNode element = elements.get(i);
        if (!element.isObject()) {
          throw new MalformedMessageException("requests[" + i + "] must be an object");
        }
        checkVersion(element, "requests[" + i + "]");
        String id = optionalText(element, "id", "requests[" + i + "]");
        requests.add(decodeRequest(element, id == null ? context.fallbackRequestId() + "#" + i : id,
            replyTo, context, "requests[" + i + "]"));
      }
      return requests;
    }
    String id = optionalText(root, "id", "message");
    return List.of(decodeRequest(root, id == null ? context.fallbackRequestId() : id,
        context.defaultReplyTo(), context, "message"));
  }

  private Request decodeRequest(
      JsonNode node, String id, String defaultReplyTo, MessageContext context, String where) {
    checkFields(node, REQUEST_FIELDS, where);
    String db = optionalText(node, "db", where);
    if (db == null) {
      db = context.groupId();
    } else if (context.groupId() != null && !db.equals(context.groupId())) {
      throw new MalformedMessageException(where + " names database '" + db
          + "' but was sent to message group '" + context.groupId() + "'");
    }
    if (db == null) {
      throw new MalformedMessageException(where + " names no database and has no message group id");
    }
    if (!DatabaseName.isValid(db)) {
      throw new MalformedMessageException(new InvalidDatabaseNameException(db).getMessage());
    }
    String replyTo = optionalText(node, "replyTo", where);
    Sequence sequence = sequence(node, where);
    List<Statement> statements = decodeStatements(node, where);
    if (id.isEmpty()) {
      throw new MalformedMessageException(where + " id is empty; leave it out to use the SQS message id");
    }
    if (id.length() > Request.MAX_ID_LENGTH) {
      throw new MalformedMessageException(where + " id is longer than " + Request.MAX_ID_LENGTH + " characters");
    }
    try {
      return new Request(id, db, statements, replyTo == null ? defaultReplyTo : replyTo, sequence);
    } catch (IllegalArgumentException e) {
      // The records validate too; a rule they have and this decoder lacks is still bad input.
      throw new MalformedMessageException(where + ": " + e.getMessage(), e);
    }
  }

  /** The request's {@code producer} and {@code seq}, both or neither; null for neither. */
  private static Sequence sequence(JsonNode node, String where) {
    String producer = optionalText(node, "producer", where);
    JsonNode seq = node.get("seq") == null || node.get("seq").isNull() ? null : node.get("seq");
    if (producer == null && seq == null) {
      return null;
    }
    if (producer == null || seq == null) {
      throw new MalformedMessageException(where + " has " + (producer == null ? "'seq' without 'producer'"
          : "'producer' without 'seq'") + ": send both or neither");
    }
    if (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 1) {
      throw new MalformedMessageException(where + " field 'seq' must be an integer from 1 to " + Long.MAX_VALUE);
    }
    if (producer.isEmpty() || producer.length() > Sequence.MAX_PRODUCER_LENGTH) {
      throw new MalformedMessageException(where + " field 'producer' needs 1 to " + Sequence.MAX_PRODUCER_LENGTH
          + " characters");
    }
    return new Sequence(producer, seq.asLong());
  }

  private List<Statement> decodeStatements(JsonNode node, String where) {
    int forms = (node.has("sql") ? 1 : 0) + (node.has("query") ? 1 : 0) + (node.has("statements") ? 1 : 0);
    if (forms != 1) {
      throw new MalformedMessageException(where
          + " must have exactly one of 'sql', 'query' (the old form of 'sql') or 'statements'");
    }
    if (node.has("statements")) {
      if (node.has("params")) {
        throw new MalformedMessageException(where + " has 'params' beside 'statements': put params in each statement");
      }
      JsonNode array = node.get("statements");
      if (!array.isArray() || array.isEmpty()) {
        throw new MalformedMessageException(where + " field 'statements' must be a non-empty array");
      }
      List<Statement> statements = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        String at = where + ".statements[" + i + "]";
        JsonNode s = array.get(i);
        if (!s.isObject()) {
          throw new MalformedMessageException(at + " must be an object");
        }
        checkFields(s, STATEMENT_FIELDS, at);
        statements.add(statement(s, "sql", at));
      }
      return statements;
    }
    return List.of(statement(node, node.has("sql") ? "sql" : "query", where));
  }

  private Statement statement(JsonNode node, String sqlField, String where) {
    String sql = optionalText(node, sqlField, where);
    if (sql == null || sql.isBlank()) {
      throw new MalformedMessageException(where + " field '" + sqlField + "' must be a non-blank string");
    }
    return new Statement(sql, params(node.get("params"), where + ".params"));
  }

  private Params params(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return Params.NONE;
    }
    if (node.isArray()) {
      List<Object> values = new ArrayList<>(node.size());
      for (int i = 0; i < node.size(); i++) {
        values.add(value(node.get(i), where + "[" + i + "]"));
      }
      return new Params.Positional(values);
    }
    if (node.isObject()) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String name = e.getKey().replaceFirst("^[:@$]", "");
        if (name.isEmpty()) {
          throw new MalformedMessageException(where + " has a parameter with an empty name");
        }
        values.put(name, value(e.getValue(), where + "." + e.getKey()));
      }
      return new Params.Named(values);
    }
    throw new MalformedMessageException(where + " must be an array (positional) or an object (named)");
  }
}
