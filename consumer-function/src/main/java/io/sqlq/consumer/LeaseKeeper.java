package io.sqlq.consumer;

import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.LockLostException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a held lease alive while a batch runs: every third of the lock's
 * {@link DatabaseLock#leaseLength()} it {@linkplain DatabaseLock#extend extends} the lease, so a
 * holder is always at least two thirds of a lease (plus the reaper's grace) away from being
 * reaped, and a failed extension has another chance before the lease ends. One daemon thread,
 * {@code sqlq-lease-keeper}, serves every batch of one {@link DatabaseBatch}.
 *
 * <p>An extension that finds the lock lost ({@link LockLostException}) marks the lease lost, and
 * {@link Kept#checkHeld()} throws it, so the batch stops before it publishes. An extension that
 * fails otherwise (EC2 throttling, no answer) is logged and tried again a third of a lease later.
 */
final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final DatabaseLock lock;
  private final ScheduledExecutorService scheduler;

  /** The keeper's thread ends after a minute without a kept lease and starts again when needed. */
  LeaseKeeper(DatabaseLock lock) {
    this.lock = lock;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "sqlq-lease-keeper");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setKeepAliveTime(1, TimeUnit.MINUTES);
    executor.allowCoreThreadTimeOut(true);
    this.scheduler = executor;
  }

  /** Starts extending {@code lease}; close the result before releasing the lease. */
  Kept keep(Lease lease) {
    return new Kept(lease);
  }

  /** One kept lease. Thread-safe: extensions run on the keeper's thread. */
  final class Kept implements AutoCloseable {
    private Lease lease;
    private boolean lost;
    private boolean stopped;
    private final ScheduledFuture<?> task;

    private Kept(Lease lease) {
      this.lease = lease;
      long periodMs = period().toMillis();
      this.task = scheduler.scheduleWithFixedDelay(this::extend, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private synchronized void extend() {
      if (stopped || lost) {
        return;
      }
      try {
        lease = lock.extend(lease);
      } catch (LockLostException e) {
        lost = true;
        log.warn("{}; the batch stops before publishing", e.getMessage());
      } catch (RuntimeException e) {
        log.warn("could not extend the lease of {} (trying again in a third of a lease): {}", lease.db(), e.getMessage());
      }
    }

    /**
     * Waits for an extension in progress, so its outcome counts.
     *
     * @throws LockLostException when an extension found the lock gone or re-taken
     */
    synchronized void checkHeld() {
      if (lost) {
        throw new LockLostException(lease.db(), lease.lockId());
      }
    }

    /** Stops extending; waits for an extension in progress, so none runs after this returns. */
    @Override
    public void close() {
      task.cancel(false);
      synchronized (this) {
        stopped = true;
      }
    }
  }

  /** The time between extensions: a third of the lease length, at least 1 ms. */
  Duration period() {
    return Duration.ofMillis(Math.max(1, lock.leaseLength().toMillis() / 3));
  }
}
