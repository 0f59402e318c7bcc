package io.sqlq.cli.bench;

import io.sqlq.consumer.BatchMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one mode measured on one workload, as it runs: statements done and their errors, each
 * statement's latency (HdrHistogram, microseconds), the consumer's batch reports
 * ({@link BatchMetrics}), the AWS requests sent meanwhile ({@link AwsCallCounter}) and the wall
 * time between {@link #start} and {@link #stop}. Thread-safe.
 */
final class Phase {
  private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3);
  private final List<BatchMetrics.Report> batches = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final Runnable onStatement;
  private boolean markedOnly;
  private Map<String, Long> callsBefore;
  private Map<String, Long> calls;
  private long startNanos;
  private long stopNanos;
  private long startCpuNanos;
  private long stopCpuNanos;

  /** @param onStatement runs after each statement is done (the progress bar's step) */
  Phase(Runnable onStatement) {
    this.onStatement = onStatement;
  }

  /** Starts the clock, counting every AWS request of the JVM as this mode's. */
  void start() {
    start(false);
  }

  /**
   * Starts the clock.
   *
   * @param markedOnly count only the AWS requests of threads that {@link AwsCallCounter#markThisThread marked}
   *     themselves
   */
  void start(boolean markedOnly) {
    this.markedOnly = markedOnly;
    callsBefore = AwsCallCounter.snapshot(markedOnly);
    startCpuNanos = processCpuNanos();
    startNanos = System.nanoTime();
  }

  /** Stops the clock and the count of AWS requests. */
  void stop() {
    stopClock();
    stopCounting();
  }

  /** Stops the clock: the last statement is answered (the work behind it may still be finishing). */
  void stopClock() {
    stopNanos = System.nanoTime();
    stopCpuNanos = processCpuNanos();
  }

  /**
   * The CPU time this JVM used between {@link #start} and {@link #stopClock}, all its threads (the
   * client's, the consumers', the garbage collector's and the compiler's), in seconds; not the
   * emulator's, which runs in a process of its own. Less sensitive than wall time to other
   * processes on a shared machine.
   */
  double cpuSeconds() {
    return (stopCpuNanos - startCpuNanos) / 1e9;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Stops counting AWS requests: the work behind the statements is over. */
  void stopCounting() {
    calls = AwsCallCounter.since(callsBefore, markedOnly);
  }

  /** Requests in the batches reported so far that succeeded. */
  long reportedRequests() {
    synchronized (batches) {
      return batches.stream().filter(BatchMetrics.Report::ok).mapToLong(BatchMetrics.Report::requests).sum();
    }
  }

  /** One statement done, answered after {@code nanos}; {@code error} null when it succeeded. */
  void statement(long nanos, String error) {
    latencyMicros.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
    done.incrementAndGet();
    if (error != null) {
      errors.incrementAndGet();
      firstError.compareAndSet(null, error);
    }
    onStatement.run();
  }

  /** {@code count} statements done together (one batch), each answered after {@code nanos}. */
  void statements(int count, long nanos) {
    latencyMicros.recordValueWithCount(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)), count);
    done.addAndGet(count);
    for (int i = 0; i < count; i++) {
      onStatement.run();
    }
  }

  /** A batch the consumer (or the baseline) reported. */
  void batch(BatchMetrics.Report report) {
    batches.add(report);
  }

  long done() {
    return done.get();
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError.get();
  }

  double seconds() {
    return (stopNanos - startNanos) / 1e9;
  }

  Histogram latencyMicros() {
    return latencyMicros.copy();
  }

  List<BatchMetrics.Report> batches() {
    synchronized (batches) {
      return List.copyOf(batches);
    }
  }

  /** The AWS requests sent between {@link #start} and {@link #stop}, by {@code Service.Operation}. */
  Map<String, Long> calls() {
    return calls;
  }
}
