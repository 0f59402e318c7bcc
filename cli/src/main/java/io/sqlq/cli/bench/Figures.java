package io.sqlq.cli.bench;

import io.sqlq.consumer.BatchMetrics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The figures of one mode on one workload: one row of the table and of {@code --json}. A figure
 * the mode does not have (S3 bytes of a local mode, lock waits without a lock) is null.
 *
 * @param workload the workload's name
 * @param series its series ({@code chinook}, {@code size}, {@code mix}, {@code databases})
 * @param mode the mode's label
 * @param startMb the size of the database when the workload starts, MB (2^20 bytes)
 * @param databases databases at once
 * @param planned statements the workload has over all its databases
 * @param statements statements done (the baseline stops at its time budget)
 * @param errors statements answered with an error or not answered
 * @param seconds wall time of the mode on the workload
 * @param statementsPerSecond {@code statements / seconds}
 * @param jvmCpuMicrosPerStatement CPU time of this JVM (all its threads, not the emulator's) per
 *     statement, in microseconds: less sensitive to other processes on the machine than wall time
 * @param latencyMs latency percentiles in ms: {@code p50}, {@code p95}, {@code p99}, {@code max}
 * @param s3BytesDownPerStatement S3 bytes downloaded per statement (the batches' fetches)
 * @param s3BytesUpPerStatement S3 bytes uploaded per statement (the batches' publishes)
 * @param awsCallsPerStatement AWS requests per statement by service ({@code EC2}, {@code S3}, {@code SQS})
 * @param awsCalls AWS requests by {@code Service.Operation}
 * @param lockWaitMs lock wait percentiles over the batches in ms: {@code p50}, {@code p99}
 * @param batches batches (consumer batches of one database; one per request for the baseline)
 * @param requestsPerBatch mean requests per batch
 * @param batchStepMs where a batch's time goes: the mean time of each step over the batches that
 *     succeeded ({@code LockWait}, {@code Fetch}, {@code Apply}, {@code Publish}, {@code Release},
 *     {@code Reply}, and {@code Total}), in ms; null without batch reports
 * @param firstError the first error's text, or null
 */
record Figures(String workload, String series, String mode, double startMb, int databases, long planned,
    long statements, long errors, double seconds, double statementsPerSecond, double jvmCpuMicrosPerStatement,
    Map<String, Double> latencyMs,
    Double s3BytesDownPerStatement, Double s3BytesUpPerStatement, Map<String, Double> awsCallsPerStatement,
    Map<String, Long> awsCalls, Map<String, Double> lockWaitMs, Long batches, Double requestsPerBatch,
    Map<String, Double> batchStepMs, String firstError) {

  static Figures of(Workload workload, Mode mode, Phase phase) {
    long n = phase.done();
    Histogram latency = phase.latencyMicros();
    Map<String, Double> latencyMs = n == 0 ? Map.of() : ordered(
        "p50", ms(latency.getValueAtPercentile(50)), "p95", ms(latency.getValueAtPercentile(95)),
        "p99", ms(latency.getValueAtPercentile(99)), "max", ms(latency.getMaxValue()));
    List<BatchMetrics.Report> batches = phase.batches();
    boolean viaS3 = mode.usesAws();
    Double down = null;
    Double up = null;
    Map<String, Double> lockWait = null;
    if (viaS3 && n > 0) {
      down = batches.stream().mapToLong(b -> Math.max(0, b.bytesDown())).sum() / (double) n;
      up = batches.stream().mapToLong(b -> Math.max(0, b.bytesUp())).sum() / (double) n;
      Histogram waits = new Histogram(3);
      batches.stream().map(b -> b.millis().get(BatchMetrics.Step.LOCK_WAIT)).filter(w -> w != null)
          .forEach(w -> waits.recordValue(Math.max(1, Math.round(w * 1_000))));
      if (waits.getTotalCount() > 0) {
        lockWait = ordered("p50", ms(waits.getValueAtPercentile(50)), "p99", ms(waits.getValueAtPercentile(99)));
      }
    }
    // The local modes make no AWS call; what the counter saw meanwhile was someone else's.
    Map<String, Long> calls = phase.calls() == null || !mode.usesAws() ? Map.of() : phase.calls();
    Map<String, Double> perService = new TreeMap<>();
    if (n > 0) {
      calls.forEach((call, count) -> perService.merge(call.substring(0, call.indexOf('.')), count / (double) n,
          Double::sum));
    }
    long batchCount = batches.stream().filter(BatchMetrics.Report::ok).count();
    Double perBatch = batchCount == 0 ? null
        : batches.stream().filter(BatchMetrics.Report::ok).mapToLong(BatchMetrics.Report::requests).sum()
            / (double) batchCount;
    Map<String, Double> steps = null;
    List<BatchMetrics.Report> ok = batches.stream().filter(BatchMetrics.Report::ok).toList();
    if (!ok.isEmpty()) {
      steps = new java.util.LinkedHashMap<>();
      for (BatchMetrics.Step step : BatchMetrics.Step.values()) {
        double sum = ok.stream().mapToDouble(b -> b.millis().getOrDefault(step, 0.0)).sum();
        if (ok.stream().anyMatch(b -> b.millis().containsKey(step))) {
          steps.put(step.metricName(), Math.round(sum / ok.size() * 1_000) / 1_000.0);
        }
      }
      steps.put("Total", Math.round(ok.stream().mapToDouble(BatchMetrics.Report::totalMillis).sum() / ok.size() * 1_000)
          / 1_000.0);
    }
    double seconds = phase.seconds();
    return new Figures(workload.name(), workload.series().name().toLowerCase(java.util.Locale.ROOT), mode.label(),
        workload.seedBytes() / (double) (1 << 20), workload.databases(), workload.totalStatements(), n,
        phase.errors(), seconds, seconds > 0 ? n / seconds : 0, n > 0 ? phase.cpuSeconds() * 1e6 / n : 0, latencyMs,
        down, up, perService, calls, lockWait,
        batches.isEmpty() ? null : batchCount, perBatch, steps, phase.firstError());
  }

  private static double ms(long micros) {
    return micros / 1_000.0;
  }

  private static Map<String, Double> ordered(Object... keysAndValues) {
    Map<String, Double> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (Double) keysAndValues[i + 1]);
    }
    return map;
  }
}
