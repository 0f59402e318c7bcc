package io.sqlq.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON plumbing that {@link RequestCodec} and {@link ReplyCodec} share: the one configured
 * {@link ObjectMapper}, parsing and writing, the strict field checks, and the mapping of SQL
 * values to and from JSON (DESIGN.md, "Wire protocol v1", "Parameter types"). Package-private:
 * the codecs are the API.
 */
final class WireJson {
  /** The protocol version the codecs read and write. */
  static final int VERSION = 1;

  /** What closes a request or reply bundle after its last element: the array, then the object. */
  static final String BUNDLE_SUFFIX = "]}";

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // Thread-safe once configured: the codecs only read trees and write trees with it.
  private static final ObjectMapper MAPPER = mapper();

  private WireJson() {}

  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // A body is at most MAX_PAYLOAD_BYTES (through S3); one statement's SQL or one value may be all of it.
    mapper.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxStringLength(MessageLimits.MAX_PAYLOAD_BYTES).build());
    return mapper;
  }

  /**
   * Parses a message body that must be one JSON object.
   *
   * @throws MalformedMessageException when the body is null, blank, not JSON, followed by
   *     trailing tokens, or not an object
   */
  static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new MalformedMessageException("message body is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("message body is not JSON: " + e.getOriginalMessage(), e);
    }
    if (!root.isObject()) {
      throw new MalformedMessageException("message body must be a JSON object, not " + root.getNodeType());
    }
    return root;
  }

  /**
   * Writes {@code node} as compact JSON.
   *
   * @throws IllegalStateException if Jackson cannot serialise the tree (not expected for trees
   *     the codecs build)
   */
  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /**
   * Checks {@code node}'s {@code v}, when present, is {@link #VERSION}.
   *
   * @throws MalformedMessageException naming {@code where} when it is anything else
   */
  static void checkVersion(JsonNode node, String where) {
    JsonNode v = node.get("v");
    if (v != null && !(v.isIntegralNumber() && v.asLong() == VERSION)) {
      throw new MalformedMessageException(where + " has unsupported protocol version " + v
          + "; this consumer speaks version " + VERSION);
    }
  }

  /**
   * Checks {@code node} has no field outside {@code allowed}.
   *
   * @throws MalformedMessageException naming {@code where}, the field and the allowed ones
   */
  static void checkFields(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new MalformedMessageException(where + " has unknown field '" + name + "'; allowed: "
            + new TreeSet<>(allowed));
      }
    }
  }

  /**
   * The string in {@code field}, or null when it is absent or JSON null.
   *
   * @throws MalformedMessageException when the field holds something other than a string
   */
  static String optionalText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new MalformedMessageException(where + " field '" + field + "' must be a string, not " + value.getNodeType());
    }
    return value.textValue();
  }

  /**
   * The string in {@code field}.
   *
   * @throws MalformedMessageException when the field is absent, JSON null or not a string
   */
  static String requiredText(JsonNode node, String field, String where) {
    String value = optionalText(node, field, where);
    if (value == null) {
      throw new MalformedMessageException(where + " is missing field '" + field + "'");
    }
    return value;
  }

  /**
   * The JSON of one SQL value: null, boolean, integer, float, string, or bytes as
   * {@code {"base64":"..."}}; any other Java type goes through {@link Params#normalize}.
   *
   * @throws IllegalArgumentException for a type the protocol cannot carry
   */
  static JsonNode valueNode(Object value) {
    return switch (value) {
      case null -> NODES.nullNode();
      case Boolean b -> NODES.booleanNode(b);
      case Long l -> NODES.numberNode(l);
      case Double d -> NODES.numberNode(d);
      case String s -> NODES.textNode(s);
      case byte[] bytes -> NODES.objectNode().put("base64", Base64.getEncoder().encodeToString(bytes));
      default -> valueNode(Params.normalize(value));
    };
  }

  /**
   * The SQL value of one JSON value: null, {@link Boolean}, {@link Long}, {@link Double},
   * {@link String}, or {@code byte[]} from {@code {"base64":"..."}}.
   *
   * @throws MalformedMessageException naming {@code where} for an integer beyond 64 bits, invalid
   *     base64, or any other JSON (an array, another object)
   */
  static Object value(JsonNode node, String where) {
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
}
