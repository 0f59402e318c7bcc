package io.sqlq.cli;

import io.sqlq.core.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration a deployed sqlq stack publishes as CloudFormation outputs, as the
 * environment variables {@link io.sqlq.core.SqlqConfig#fromEnvironment} reads. The rule (the CDK
 * app's {@code SqlqStack} follows it): an output key is its variable in CamelCase, so
 * {@code SqlqRequestQueueUrl} fills {@code SQLQ_REQUEST_QUEUE_URL}; outputs whose key does not
 * start with {@code Sqlq} are not sqlq's and are left out.
 */
final class StackOutputs {
  /** The outputs every sqlq stack has; {@code SqlqPrefix} is there only when the key prefix is not empty. */
  static final List<String> REQUIRED = List.of("SqlqBucket", "SqlqRequestQueueUrl", "SqlqReplyQueueUrl",
      "SqlqDeadLetterQueueUrl", "SqlqLockVpcId");

  private StackOutputs() {}

  /**
   * @param stack the stack name, for messages
   * @param status the stack status, for messages (outputs appear when a deploy completes)
   * @param region the region the stack is in: {@code AWS_REGION}
   * @param outputs output key to value
   * @return variable name to value, {@code AWS_REGION} first, then in the order of {@code outputs}
   * @throws ConfigurationException naming the missing outputs, when a required one is not there
   */
  static Map<String, String> environment(String stack, String status, String region, Map<String, String> outputs) {
    List<String> missing = new ArrayList<>(REQUIRED);
    missing.removeAll(outputs.keySet());
    if (!missing.isEmpty()) {
      throw new ConfigurationException("stack " + stack + " (" + status + ") lacks the outputs "
          + String.join(", ", missing) + ": is it a sqlq stack, and has its deploy finished?");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", region);
    outputs.forEach((key, value) -> {
      if (key.startsWith("Sqlq")) {
        env.put(variable(key), value);
      }
    });
    return env;
  }

  /** {@code SqlqDeadLetterQueueUrl} to {@code SQLQ_DEAD_LETTER_QUEUE_URL}. */
  static String variable(String outputKey) {
    return outputKey.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  /** {@code export NAME='value'} lines for a POSIX shell, values single-quoted. */
  static String exports(Map<String, String> env) {
    StringBuilder lines = new StringBuilder();
    env.forEach((name, value) -> lines.append("export ").append(name).append("='")
        .append(value.replace("'", "'\\''")).append("'\n"));
    return lines.toString();
  }
}
