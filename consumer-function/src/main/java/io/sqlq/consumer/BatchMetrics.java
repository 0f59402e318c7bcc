package io.sqlq.consumer;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the steps of every database batch it hears and hands one {@link Report} per batch to a
 * sink: on Lambda an {@link EmbeddedMetricFormat} log line ({@link #toLog}), in {@code sqlq
 * bench} the figures it sums up. A {@link BatchListener} that only observes: it never throws.
 *
 * <p>The steps (DESIGN.md, "Consumer: one batch") are timed between the listener's calls:
 * lock wait from {@link #received} to {@link #acquired}, fetch to {@link #fetched}, apply to
 * {@link #applied}, publish to {@link #published}, release to {@link #released}, reply to
 * {@link #replied}. A batch ends with {@link #replied} (outcome ok) or {@link #failed} (outcome
 * failed, with the steps it finished, and its lock wait also when it never got the lock: the
 * time it waited before giving up). A batch heard from {@link #acquired} on (no
 * {@link #received}, as with {@code sqlq exec}) has no lock wait, and without {@link #replied} or
 * {@link #failed} it is never reported.
 *
 * <p>Thread-safe: the listener's calls for one batch come on the thread that runs it, so the
 * batch under way is kept per thread, and one instance may serve several consumers.
 */
public final class BatchMetrics implements BatchListener {
  private static final Logger log = LoggerFactory.getLogger(BatchMetrics.class);

  /** The timed steps of a batch, in order, each with its metric name. */
  public enum Step {
    LOCK_WAIT("LockWait"), FETCH("Fetch"), APPLY("Apply"), PUBLISH("Publish"), RELEASE("Release"), REPLY("Reply");

    private final String metricName;

    Step(String metricName) {
      this.metricName = metricName;
    }

    /** The step's name as a metric: {@code LockWait}, {@code Fetch}, ... */
    public String metricName() {
      return metricName;
    }
  }

  /**
   * One database batch.
   *
   * @param at when the batch ended
   * @param db the database
   * @param version the version it published, or 0 when it applied nothing
   * @param messages the SQS records of the batch for {@code db}, 0 when not heard
   * @param requests the requests in them (for a batch heard from {@link #acquired} on, those applied)
   * @param replyMessages the reply messages sent, -1 when the batch did not reach its replies
   * @param millis the time of each step the batch finished, in step order
   * @param totalMillis from the first call heard to the last
   * @param bytesDown bytes downloaded by the fetch (0 when the cached copy was current), -1 when
   *     not fetched
   * @param bytesUp bytes uploaded by the publish, -1 when not published
   * @param failure the failure's class and message when the batch failed, else null
   */
  public record Report(Instant at, String db, long version, int messages, int requests, int replyMessages,
      Map<Step, Double> millis, double totalMillis, long bytesDown, long bytesUp, String failure) {
    public Report {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(db, "db");
      millis = Collections.unmodifiableMap(millis.isEmpty() ? new EnumMap<>(Step.class) : new EnumMap<>(millis));
    }

    /** Whether the batch was applied, published and answered. */
    public boolean ok() {
      return failure == null;
    }
  }

  private final Consumer<Report> sink;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ThreadLocal<Batch> current = new ThreadLocal<>();

  /** Reports to {@code sink}, timing with {@link System#nanoTime()}, dating with the system clock. */
  public BatchMetrics(Consumer<Report> sink) {
    this(sink, Clock.systemUTC(), System::nanoTime);
  }

  /**
   * @param sink takes each batch's report, on the thread that ran the batch; it must not throw
   * @param clock dates each report ({@link Report#at})
   * @param nanoTime the monotonic time the steps are timed with, in nanoseconds
   */
  public BatchMetrics(Consumer<Report> sink, Clock clock, LongSupplier nanoTime) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * The consumer's metrics on Lambda: one line per database batch on {@code out} in CloudWatch
   * Embedded Metric Format ({@link EmbeddedMetricFormat#forStack}), which CloudWatch Logs turns
   * into metrics. Lambda sends the function's standard output to its log group.
   */
  public static BatchMetrics toLog(SqlqConfig config, PrintStream out) {
    EmbeddedMetricFormat format = EmbeddedMetricFormat.forStack(config);
    return new BatchMetrics(report -> out.println(format.line(report)));
  }

  @Override
  public void received(String db, int messages, int requests) {
    Batch batch = new Batch(db, nanoTime.getAsLong(), true);
    batch.messages = messages;
    batch.requests = requests;
    current.set(batch);
  }

  @Override
  public void acquired(Lease lease) {
    Batch batch = current.get();
    if (batch == null || !batch.db.equals(lease.db())) {
      current.set(new Batch(lease.db(), nanoTime.getAsLong(), false));
    } else {
      batch.step(Step.LOCK_WAIT, nanoTime.getAsLong());
    }
  }

  @Override
  public void fetched(String db, Fetched fetched, long bytes) {
    Batch batch = batch(db);
    if (batch != null) {
      batch.step(Step.FETCH, nanoTime.getAsLong());
      batch.bytesDown = bytes;
    }
  }

  @Override
  public void applied(String db, AppliedBatch applied) {
    Batch batch = batch(db);
    if (batch != null) {
      batch.step(Step.APPLY, nanoTime.getAsLong());
      batch.version = applied.version();
      if (batch.requests == 0) {
        batch.requests = applied.requests().size();
      }
    }
  }

  @Override
  public void published(String db, long version, long bytes) {
    Batch batch = batch(db);
    if (batch != null) {
      batch.step(Step.PUBLISH, nanoTime.getAsLong());
      batch.bytesUp = bytes;
    }
  }

  @Override
  public void released(String db) {
    Batch batch = batch(db);
    if (batch != null) {
      batch.step(Step.RELEASE, nanoTime.getAsLong());
    }
  }

  @Override
  public void replied(String db, int messages) {
    Batch batch = batch(db);
    if (batch != null) {
      batch.step(Step.REPLY, nanoTime.getAsLong());
      batch.replyMessages = messages;
      end(batch, null);
    }
  }

  @Override
  public void failed(String db, RuntimeException failure) {
    Batch batch = batch(db);
    if (batch != null) {
      long now = nanoTime.getAsLong();
      if (batch.millis.isEmpty() && batch.heardReceived) {
        batch.step(Step.LOCK_WAIT, now);
      }
      batch.last = now;
      String message = String.valueOf(failure.getMessage());
      end(batch, failure.getClass().getSimpleName() + ": "
          + (message.length() > 200 ? message.substring(0, 200) + "..." : message));
    }
  }

  /** The batch under way on this thread when it is {@code db}'s, else null. */
  private Batch batch(String db) {
    Batch batch = current.get();
    return batch != null && batch.db.equals(db) ? batch : null;
  }

  private void end(Batch batch, String failure) {
    current.remove();
    try {
      sink.accept(new Report(clock.instant(), batch.db, batch.version, batch.messages, batch.requests,
          batch.replyMessages, batch.millis, millis(batch.last - batch.start), batch.bytesDown, batch.bytesUp,
          failure));
    } catch (RuntimeException e) {
      // An observer must not fail the batch it observes.
      log.warn("batch metrics of {} not reported: {}",
          batch.db, e.toString());
    }
  }

  /** Nanoseconds as milliseconds, kept to the microsecond. */
  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** The batch under way on one thread. */
  private static final class Batch {
    final String db;
    final long start;
    final boolean heardReceived;
    final Map<Step, Double> millis = new EnumMap<>(Step.class);
    long last;
    long version;
    int messages;
    int requests;
    int replyMessages = -1;
    long bytesDown = -1;
    long bytesUp = -1;

    Batch(String db, long start, boolean heardReceived) {
      this.db = db;
      this.start = start;
      this.last = start;
      this.heardReceived = heardReceived;
    }

    void step(Step step, long now) {
      millis.put(step, millis(now - last));
      last = now;
    }
  }
}
