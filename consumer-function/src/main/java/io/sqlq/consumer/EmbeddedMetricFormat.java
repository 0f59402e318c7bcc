package io.sqlq.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sqlq.consumer.BatchMetrics.Report;
import io.sqlq.consumer.BatchMetrics.Step;
import io.sqlq.core.SqlqConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link Report} as one log line in CloudWatch Embedded Metric Format ("Specification:
 * Embedded metric format", Amazon CloudWatch User Guide,
 * docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a JSON object with nothing before or after it, whose {@code _aws} member holds the
 * {@code Timestamp} (epoch milliseconds) and one metric directive (namespace, dimension sets,
 * each metric's name and unit), and whose root holds the dimension values and each metric's
 * value. CloudWatch Logs extracts the metrics from it; every other member stays searchable with
 * Logs Insights.
 *
 * <p>The line of a batch:
 * <pre>
 * {"_aws":{"Timestamp":1767225600000,"CloudWatchMetrics":[{"Namespace":"sqlq",
 *   "Dimensions":[["Bucket"],["Bucket","Database"]],"Metrics":[{"Name":"Requests","Unit":"Count"},...]}]},
 *  "Bucket":"my-bucket","Database":"main","Outcome":"ok","Version":42,
 *  "Requests":120,"Messages":3,"ReplyMessages":1,"LockWait":31.5,"Fetch":2.1,"Apply":40.2,
 *  "Publish":55.0,"Release":20.3,"Reply":18.7,"Total":167.8,"BytesDown":0,"BytesUp":1052672,"Failed":0}
 * </pre>
 * Metrics: {@code Requests}, {@code Messages}, {@code ReplyMessages} and {@code Failed}
 * (Count; {@code Failed} is 1 for a failed batch), the step times {@code LockWait},
 * {@code Fetch}, {@code Apply}, {@code Publish}, {@code Release}, {@code Reply} and
 * {@code Total} (Milliseconds), {@code BytesDown} and {@code BytesUp} (Bytes). A figure the
 * batch has none of (a step it did not finish) is left out of both the directive and the root,
 * since every metric the directive names must be in the root. Two dimension sets: the stack's
 * fixed dimensions alone (for a whole-stack view: one metric per name, which the CDK
 * dashboard graphs) and with {@code Database} (for one database; each database adds 14 metrics,
 * which CloudWatch bills as custom metrics).
 */
public final class EmbeddedMetricFormat {
  /** The namespace of sqlq's metrics: {@code sqlq}. */
  public static final String NAMESPACE = "sqlq";
  /** The dimension naming the stack: {@code Bucket}, the stack's databases bucket. */
  public static final String BUCKET_DIMENSION = "Bucket";
  /** The dimension naming the database: {@code Database}. */
  public static final String DATABASE_DIMENSION = "Database";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String namespace;
  private final Map<String, String> dimensions;

  /**
   * @param namespace the metrics' namespace
   * @param dimensions the dimensions every line carries, in order (names and values), besides
   *     {@link #DATABASE_DIMENSION}
   */
  public EmbeddedMetricFormat(String namespace, Map<String, String> dimensions) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.dimensions = new LinkedHashMap<>(dimensions);
    if (this.dimensions.containsKey(DATABASE_DIMENSION)) {
      throw new IllegalArgumentException(DATABASE_DIMENSION + " is added to each line; it is not a fixed dimension");
    }
  }

  /** The consumer's format: namespace {@link #NAMESPACE}, dimension {@link #BUCKET_DIMENSION} = the stack's bucket. */
  public static EmbeddedMetricFormat forStack(SqlqConfig config) {
    return new EmbeddedMetricFormat(NAMESPACE, Map.of(BUCKET_DIMENSION, config.bucket()));
  }

  /** {@code report} as one line of JSON (no line break). */
  public String line(Report report) {
    Map<String, Number> values = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    put(values, units, "Requests", report.requests(), "Count");
    if (report.messages() > 0) {
      put(values, units, "Messages", report.messages(), "Count");
    }
    if (report.replyMessages() >= 0) {
      put(values, units, "ReplyMessages", report.replyMessages(), "Count");
    }
    for (Map.Entry<Step, Double> step : report.millis().entrySet()) {
      put(values, units, step.getKey().metricName(), step.getValue(), "Milliseconds");
    }
    put(values, units, "Total", report.totalMillis(), "Milliseconds");
    if (report.bytesDown() >= 0) {
      put(values, units, "BytesDown", report.bytesDown(), "Bytes");
    }
    if (report.bytesUp() >= 0) {
      put(values, units, "BytesUp", report.bytesUp(), "Bytes");
    }
    put(values, units, "Failed", report.ok() ? 0 : 1, "Count");

    ObjectNode root = JSON.createObjectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", report.at().toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", namespace);
    ArrayNode sets = directive.putArray("Dimensions");
    List<String> fixed = new ArrayList<>(dimensions.keySet());
    if (!fixed.isEmpty()) {
      ArrayNode stackOnly = sets.addArray();
      fixed.forEach(stackOnly::add);
    }
    ArrayNode withDatabase = sets.addArray();
    fixed.forEach(withDatabase::add);
    withDatabase.add(DATABASE_DIMENSION);
    ArrayNode metrics = directive.putArray("Metrics");
    units.forEach((name, unit) -> metrics.addObject().put("Name", name).put("Unit", unit));

    dimensions.forEach(root::put);
    root.put(DATABASE_DIMENSION, report.db());
    root.put("Outcome", report.ok() ? "ok" : "failed");
    if (report.version() > 0) {
      root.put("Version", report.version());
    }
    if (!report.ok()) {
      root.put("Error", report.failure());
    }
    values.forEach((name, value) -> {
      if (value instanceof Double d) {
        root.put(name, d);
      } else {
        root.put(name, value.longValue());
      }
    });
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  private static void put(Map<String, Number> values, Map<String, String> units, String name, Number value,
      String unit) {
    values.put(name, value);
    units.put(name, unit);
  }
}
