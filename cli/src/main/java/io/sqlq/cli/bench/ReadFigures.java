package io.sqlq.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of one kind of read ({@link ReadRuns.Kind}): one row of the reads table and of
 * {@code --json}.
 *
 * @param kind the kind's label ({@code snapshot, warm}, {@code cold}, ...)
 * @param description what the read does and what its latency covers
 * @param databaseMb the database's size, MB (2^20 bytes)
 * @param reads reads done
 * @param errors reads that failed or returned the wrong rows
 * @param latencyMs latency percentiles in ms: {@code p50}, {@code p95}, {@code p99}, {@code max}
 * @param s3CallsPerRead S3 requests of this JVM per read (the client's; for reads through the
 *     queue and read-your-writes also the consumer's fetch and publish)
 * @param firstError the first error's text, or null
 */
record ReadFigures(String kind, String description, double databaseMb, long reads, long errors, Map<String, Double> latencyMs,
    double s3CallsPerRead, String firstError) {

  static ReadFigures of(ReadRuns.Kind kind, double databaseMb, Phase phase) {
    Histogram latency = phase.latencyMicros();
    Map<String, Double> latencyMs = new LinkedHashMap<>();
    latencyMs.put("p50", latency.getValueAtPercentile(50) / 1_000.0);
    latencyMs.put("p95", latency.getValueAtPercentile(95) / 1_000.0);
    latencyMs.put("p99", latency.getValueAtPercentile(99) / 1_000.0);
    latencyMs.put("max", latency.getMaxValue() / 1_000.0);
    long n = phase.done();
    long s3 = phase.calls().entrySet().stream().filter(e -> e.getKey().startsWith("S3."))
        .mapToLong(Map.Entry::getValue).sum();
    return new ReadFigures(kind.label(), kind.description(), databaseMb, n, phase.errors(), latencyMs, n == 0 ? 0 : s3 / (double) n,
        phase.firstError());
  }
}
