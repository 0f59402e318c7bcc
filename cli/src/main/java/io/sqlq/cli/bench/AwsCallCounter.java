package io.sqlq.cli.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS API request the SDK sends in this JVM, by service and operation, for
 * {@code sqlq bench}'s "AWS calls per statement". An SDK {@link ExecutionInterceptor} registered
 * globally: the CLI's resource {@code software/amazon/awssdk/global/handlers/execution.interceptors}
 * names it, and the SDK adds the interceptors listed there to every client it builds (AWS SDK for
 * Java 2.x, {@code ExecutionInterceptor} Javadoc, "Global Interceptors"), so the clients that
 * the local stack builds for its consumers count too, without a setting of their own. Counting is
 * a lock-free increment per request; the other commands of the CLI never read the counts.
 *
 * <p>One count per HTTP request sent ({@link #beforeTransmission}): a retried call counts each
 * attempt, as AWS bills and as each attempt takes time.
 */
public final class AwsCallCounter implements ExecutionInterceptor {
  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
  private static final Map<String, LongAdder> MARKED_COUNTS = new ConcurrentHashMap<>();
  private static final ThreadLocal<Boolean> MARKED = ThreadLocal.withInitial(() -> false);

  /** Made by the SDK, once per client. */
  public AwsCallCounter() {}

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String call = service.toUpperCase(Locale.ROOT) + "." + operation;
    COUNTS.computeIfAbsent(call, k -> new LongAdder()).increment();
    if (MARKED.get()) {
      MARKED_COUNTS.computeIfAbsent(call, k -> new LongAdder()).increment();
    }
  }

  /**
   * Counts the requests this thread sends also among the marked ones ({@code snapshot(true)}):
   * for a mode whose calls are all made on threads of its own, while other clients may be idle
   * but alive (a local stack's pollers long-polling between its workloads).
   */
  static void markThisThread() {
    MARKED.set(true);
  }

  /**
   * The requests sent so far in this JVM (or on marked threads), by {@code SERVICE.Operation}
   * ({@code S3.PutObject}), sorted.
   */
  static Map<String, Long> snapshot(boolean markedOnly) {
    Map<String, Long> counts = new TreeMap<>();
    (markedOnly ? MARKED_COUNTS : COUNTS).forEach((call, count) -> counts.put(call, count.sum()));
    return counts;
  }

  /** What was sent since the snapshot {@code before}, without the calls that did not move. */
  static Map<String, Long> since(Map<String, Long> before, boolean markedOnly) {
    Map<String, Long> after = snapshot(markedOnly);
    Map<String, Long> moved = new TreeMap<>();
    after.forEach((call, count) -> {
      long delta = count - before.getOrDefault(call, 0L);
      if (delta > 0) {
        moved.put(call, delta);
      }
    });
    return moved;
  }
}
