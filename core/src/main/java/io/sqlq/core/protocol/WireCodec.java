package io.sqlq.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sqlq.core.DatabaseName;
import io.sqlq.core.InvalidDatabaseNameException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JSON codec of wire protocol v1 (DESIGN.md, "Wire protocol v1"): requests, transactions,
 * request bundles, replies and reply bundles. Thread-safe and stateless.
 *
 * <p>Decoding is strict: an unknown field, a wrong type or a missing field is a
 * {@link MalformedMessageException} naming the field, because a misspelt {@code "parms"}
 * silently ignored would apply a different statement from the one the sender meant.
 */
public final class WireCodec {
  /** The protocol version this codec reads and writes. */
  public static final int VERSION = 1;

  private static final Set<String> REQUEST_FIELDS =
      Set.of("v", "id", "db", "sql", "query", "params", "statements", "replyTo");
  private static final Set<String> BUNDLE_FIELDS = Set.of("v", "requests", "replyTo");
  private static final Set<String> STATEMENT_FIELDS = Set.of("sql", "params");

  private final ObjectMapper mapper;
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;

  public WireCodec() {
    mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // SQS bodies are at most 1 MiB; one statement's SQL may be all of it.
    mapper.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxStringLength(2 * 1024 * 1024).build());
  }

  // ---------------------------------------------------------------- requests

  /** Encodes one request as a stand-alone message body (with {@code "v":1}). */
  public String encodeRequest(Request request) {
    return write(requestNode(request, true));
  }

  /**
   * Encodes one request as an element of a bundle: no {@code v}, and no {@code replyTo} when
   * it equals the bundle's.
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
   * {@code {"v":1,"replyTo":...,"requests":[...]}}. The body's length in UTF-8 bytes is
   * {@link #bundleOverheadBytes(String)} plus the elements' bytes plus one comma between each.
   */
  public String joinBundle(String replyTo, List<String> encodedElements) {
    return bundlePrefix(replyTo) + String.join(",", encodedElements) + "]}";
  }

  /** UTF-8 bytes a request bundle adds around its elements. */
  public int bundleOverheadBytes(String replyTo) {
    return utf8Length(bundlePrefix(replyTo)) + 2;
  }

  private String bundlePrefix(String replyTo) {
    return replyTo == null
        ? "{\"v\":1,\"requests\":["
        : "{\"v\":1,\"replyTo\":" + write(nodes.textNode(replyTo)) + ",\"requests\":[";
  }

  private ObjectNode requestNode(Request request, boolean withVersion) {
    ObjectNode node = nodes.objectNode();
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
   * @throws MalformedMessageException when the body is not valid protocol v1, is longer than
   *     {@link MessageLimits#SQS_MAX_MESSAGE_BYTES}, is a bundle of more than
   *     {@link MessageLimits#MAX_REQUESTS_PER_BUNDLE} requests, or a request names a database
   *     other than the message group id
   */
  public List<Request> decodeRequests(String body, MessageContext context) {
    if (body != null && body.length() > MessageLimits.SQS_MAX_MESSAGE_BYTES / 3
        && utf8Length(body) > MessageLimits.SQS_MAX_MESSAGE_BYTES) {
      throw new MalformedMessageException("message body is " + utf8Length(body) + " bytes, more than the "
          + MessageLimits.SQS_MAX_MESSAGE_BYTES + " bytes of one SQS message");
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
    List<Statement> statements = decodeStatements(node, where);
    if (id.isEmpty()) {
      throw new MalformedMessageException(where + " id is empty; leave it out to use the SQS message id");
    }
    if (id.length() > Request.MAX_ID_LENGTH) {
      throw new MalformedMessageException(where + " id is longer than " + Request.MAX_ID_LENGTH + " characters");
    }
    try {
      return new Request(id, db, statements, replyTo == null ? defaultReplyTo : replyTo);
    } catch (IllegalArgumentException e) {
      // The records validate too; a rule they have and this decoder lacks is still bad input.
      throw new MalformedMessageException(where + ": " + e.getMessage(), e);
    }
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

  private Object value(JsonNode node, String where) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new MalformedMessageException(where + " integer does not fit in 64 bits: " + node);
      }
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isObject() && node.size() == 1 && node.has("base64") && node.get("base64").isTextual()) {
      try {
        return Base64.getDecoder().decode(node.get("base64").textValue());
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException(where + " is not valid base64: " + e.getMessage(), e);
      }
    }
    throw new MalformedMessageException(where
        + " must be null, a boolean, a number, a string or {\"base64\":\"...\"}, not " + node.getNodeType());
  }

  // ---------------------------------------------------------------- replies

  /** Encodes one reply as a JSON object (an element of a reply bundle, or a body on its own). */
  public String encodeReply(Reply reply) {
    ObjectNode node = nodes.objectNode();
    node.put("v", VERSION);
    node.put("id", reply.id());
    node.put("db", reply.db());
    node.put("status", reply.status().name());
    if (reply.ok()) {
      ArrayNode results = node.putArray("results");
      for (StatementResult r : reply.results()) {
        ObjectNode result = results.addObject();
        if (!r.columns().isEmpty()) {
          ArrayNode columns = result.putArray("columns");
          r.columns().forEach(columns::add);
          ArrayNode rows = result.putArray("rows");
          for (List<Object> row : r.rows()) {
            ArrayNode out = rows.addArray();
            row.forEach(v -> out.add(valueNode(v)));
          }
        }
        result.put("rowsAffected", r.rowsAffected());
        if (r.lastInsertRowid() != null) {
          result.put("lastInsertRowid", r.lastInsertRowid());
        }
      }
    } else {
      ObjectNode error = node.putObject("error");
      error.put("code", reply.error().code());
      error.put("message", reply.error().message());
      if (reply.error().statement() != null) {
        error.put("statement", reply.error().statement());
      }
    }
    node.put("dbVersion", reply.dbVersion());
    node.put("appliedAt", reply.appliedAt().toString());
    return write(node);
  }

  /** Joins replies made by {@link #encodeReply} into {@code {"v":1,"replies":[...]}}. */
  public String joinReplies(List<String> encodedReplies) {
    return REPLY_BUNDLE_PREFIX + String.join(",", encodedReplies) + "]}";
  }

  /** UTF-8 bytes a reply bundle adds around its elements. */
  public static final int REPLY_BUNDLE_OVERHEAD_BYTES = 20;

  private static final String REPLY_BUNDLE_PREFIX = "{\"v\":1,\"replies\":[";

  /**
   * Decodes a reply message body: a single reply or a reply bundle.
   *
   * @throws MalformedMessageException when the body is not a valid v1 reply or reply bundle
   */
  public List<Reply> decodeReplies(String body) {
    JsonNode root = parse(body);
    checkVersion(root, "reply message");
    if (root.has("replies")) {
      JsonNode array = root.get("replies");
      if (!array.isArray()) {
        throw new MalformedMessageException("field 'replies' must be an array");
      }
      List<Reply> replies = new ArrayList<>(array.size());
      for (JsonNode element : array) {
        replies.add(decodeReply(element));
      }
      return replies;
    }
    return List.of(decodeReply(root));
  }

  private Reply decodeReply(JsonNode node) {
    try {
      Reply.Status status = Reply.Status.valueOf(requiredText(node, "status", "reply"));
      List<StatementResult> results = new ArrayList<>();
      for (JsonNode r : node.path("results")) {
        List<String> columns = new ArrayList<>();
        r.path("columns").forEach(c -> columns.add(c.asText()));
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : r.path("rows")) {
          List<Object> values = new ArrayList<>(row.size());
          for (JsonNode v : row) {
            values.add(value(v, "reply row"));
          }
          rows.add(values);
        }
        JsonNode rowid = r.get("lastInsertRowid");
        results.add(new StatementResult(columns, rows, r.path("rowsAffected").asLong(),
            rowid == null || rowid.isNull() ? null : rowid.asLong()));
      }
      ReplyError error = null;
      JsonNode e = node.get("error");
      if (e != null && !e.isNull()) {
        JsonNode index = e.get("statement");
        error = new ReplyError(requiredText(e, "code", "reply error"), e.path("message").asText(),
            index == null || index.isNull() ? null : index.asInt());
      }
      return new Reply(requiredText(node, "id", "reply"), requiredText(node, "db", "reply"), status,
          results, error, node.path("dbVersion").asLong(),
          Instant.parse(requiredText(node, "appliedAt", "reply")));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new MalformedMessageException("invalid reply: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- shared

  private JsonNode valueNode(Object value) {
    return switch (value) {
      case null -> nodes.nullNode();
      case Boolean b -> nodes.booleanNode(b);
      case Long l -> nodes.numberNode(l);
      case Double d -> nodes.numberNode(d);
      case String s -> nodes.textNode(s);
      case byte[] bytes -> nodes.objectNode().put("base64", Base64.getEncoder().encodeToString(bytes));
      default -> valueNode(Params.normalize(value));
    };
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new MalformedMessageException("message body is empty");
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("message body is not JSON: " + e.getOriginalMessage(), e);
    }
    if (!root.isObject()) {
      throw new MalformedMessageException("message body must be a JSON object, not " + root.getNodeType());
    }
    return root;
  }

  private static void checkVersion(JsonNode node, String where) {
    JsonNode v = node.get("v");
    if (v != null && !(v.isIntegralNumber() && v.asLong() == VERSION)) {
      throw new MalformedMessageException(where + " has unsupported protocol version " + v
          + "; this consumer speaks version " + VERSION);
    }
  }

  private static void checkFields(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new MalformedMessageException(where + " has unknown field '" + name + "'; allowed: "
            + new TreeSet<>(allowed));
      }
    }
  }

  private static String optionalText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new MalformedMessageException(where + " field '" + field + "' must be a string, not " + value.getNodeType());
    }
    return value.textValue();
  }

  private static String requiredText(JsonNode node, String field, String where) {
    String value = optionalText(node, field, where);
    if (value == null) {
      throw new MalformedMessageException(where + " is missing field '" + field + "'");
    }
    return value;
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /** Length of {@code s} in UTF-8 bytes, without encoding it. */
  public static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
