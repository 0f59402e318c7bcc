package io.sqlq.core.protocol;

import static io.sqlq.core.protocol.WireJson.BUNDLE_SUFFIX;
import static io.sqlq.core.protocol.WireJson.NODES;
import static io.sqlq.core.protocol.WireJson.VERSION;
import static io.sqlq.core.protocol.WireJson.checkVersion;
import static io.sqlq.core.protocol.WireJson.parse;
import static io.sqlq.core.protocol.WireJson.requiredText;
import static io.sqlq.core.protocol.WireJson.value;
import static io.sqlq.core.protocol.WireJson.valueNode;
import static io.sqlq.core.protocol.WireJson.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON codec of the reply side of wire protocol v1 (DESIGN.md, "Wire protocol v1", "Reply
 * body" and "Bundles"): replies and reply bundles. The consumer encodes with it, the producer
 * decodes. Thread-safe and stateless.
 *
 * <p>What a reply bundle's envelope adds to its elements, in bytes, is
 * {@link MessageSizes#REPLY_BUNDLE_OVERHEAD_BYTES}. Requests are {@link RequestCodec}'s.
 */
public final class ReplyCodec {
  /** What opens a reply bundle before its first element. */
  static final String BUNDLE_PREFIX = "{\"v\":1,\"replies\":[";

  /** A codec; all codecs share one configured Jackson mapper. */
  public ReplyCodec() {}

  /**
   * Encodes one reply as a JSON object (an element of a reply bundle, or a body on its own):
   * {@code {"v":1,"id":...,"db":...,"status":"OK"|"ERROR",...,"dbVersion":...,"appliedAt":...}}
   * with {@code "results":[{"columns":[...],"rows":[[...]],"rowsAffected":...,
   * "lastInsertRowid":...}]} when OK ({@code columns} and {@code rows} left out for a statement
   * without columns, {@code lastInsertRowid} when null), {@code "error":{"code":...,
   * "message":...,"statement":...}} when ERROR ({@code statement} left out when null).
   *
   * @throws IllegalArgumentException for a row value of a type the protocol cannot carry
   *     ({@link Params#normalize})
   */
  public String encodeReply(Reply reply) {
    ObjectNode node = NODES.objectNode();
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

  /**
   * Joins replies made by {@link #encodeReply} into {@code {"v":1,"replies":[...]}}. The body's
   * length in UTF-8 bytes is {@link MessageSizes#REPLY_BUNDLE_OVERHEAD_BYTES} plus the replies'
   * bytes plus one comma between each; the sender keeps it within
   * {@link MessageLimits#MAX_BODY_BYTES}.
   */
  public String joinReplies(List<String> encodedReplies) {
    return BUNDLE_PREFIX + String.join(",", encodedReplies) + BUNDLE_SUFFIX;
  }

  /**
   * Decodes a reply message body: a single reply or a reply bundle.
   *
   * @return the replies in message order; empty for a bundle of no replies
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
}
