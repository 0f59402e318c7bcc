package io.sqlq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.core.protocol.Params;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code -p} values of the command line as JSON scalars. */
final class JsonParams {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonParams() {}

  /**
   * @throws IllegalArgumentException naming the value when one is not a JSON scalar
   */
  static Params parse(List<String> values) {
    List<Object> out = new ArrayList<>(values.size());
    for (String value : values) {
      JsonNode node;
      try {
        node = MAPPER.readTree(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("parameter " + value + " is not a JSON value; quote text as '\"text\"'");
      }
      if (node == null || node.isContainerNode()) {
        throw new IllegalArgumentException("parameter " + value + " must be a JSON scalar");
      }
      out.add(node.isNull() ? null : node.isBoolean() ? node.booleanValue()
          : node.isIntegralNumber() ? node.longValue() : node.isNumber() ? node.doubleValue() : node.textValue());
    }
    return new Params.Positional(out);
  }
}
