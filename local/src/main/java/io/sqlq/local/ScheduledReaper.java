package io.sqlq.local;

import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.lock.ReapReport;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LockReaper} every period on a daemon thread, as EventBridge runs the reaper
 * Lambda on a schedule. A run that reaps something or fails is logged (with its report as JSON);
 * quiet runs are not, so a local stack does not log once a second.
 */
final class ScheduledReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScheduledReaper.class);

  private final LockReaper reaper;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<ReapReport> total = new AtomicReference<>(new ReapReport(0, 0, 0, 0));

  /** Starts at once: the first run is one {@code period} from now. */
  ScheduledReaper(LockReaper reaper, Duration period) {
    this.reaper = reaper;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "sqlq-reaper");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::runOnce, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    try {
      ReapReport report = reaper.reap();
      total.accumulateAndGet(report, ReapReport::plus);
      if (report.expired() > 0 || report.errors() > 0) {
        log.info("reaper: {}", report.toJson());
      }
    } catch (RuntimeException e) {
      log.warn("reaper run failed (trying again next period): {}", e.getMessage());
    }
  }

  /** The sum of the reports of every run so far. */
  ReapReport total() {
    return total.get();
  }

  /** Stops the schedule and waits up to 10 s for a run in progress. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
