package io.sqlq.core.lock;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The waiting shared by every {@link DatabaseLock}: try, and while the lock is held, sleep with
 * exponential backoff and jitter (resilience4j {@code ofExponentialRandomBackoff})
 * and try again, until the wait budget measured on the injected clock is spent. The last sleep
 * is cut short so that a final attempt happens when the budget ends, never after.
 *
 * <p>Backoff: first sleep 25 ms, multiplied by 2 per attempt, capped at 1,000 ms, each sleep
 * randomized by ±80 % so that contending writers spread out instead of retrying in step.
 */
final class LockWait {
  /** First sleep after a held lock: 25 ms. */
  static final Duration INITIAL_INTERVAL = Duration.ofMillis(25);
  /** Growth of the sleep per attempt. */
  static final double MULTIPLIER = 2.0;
  /** Each sleep is drawn uniformly from ±80 % around its nominal value. */
  static final double RANDOMIZATION_FACTOR = 0.8;
  /** Longest nominal sleep: 1,000 ms. */
  static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

  private static final IntervalFunction BACKOFF =
      IntervalFunction.ofExponentialRandomBackoff(INITIAL_INTERVAL, MULTIPLIER, RANDOMIZATION_FACTOR, MAX_INTERVAL);

  private final Clock clock;

  LockWait(Clock clock) {
    this.clock = clock;
  }

  /**
   * Calls {@code attempt} until it returns a lease or {@code budget} is spent. An exception from
   * {@code attempt} ends the wait at once and propagates.
   *
   * @param attempt one try: the lease, or empty when the lock is held by someone else
   * @throws LockTimeoutException when the lock was still held at the last attempt, which is
   *     made when the budget ends (a zero budget makes exactly one attempt); also when the
   *     waiting thread is interrupted, with its interrupt flag left set
   */
  Lease await(String db, Duration budget, Supplier<Optional<Lease>> attempt) {
    Instant start = clock.instant();
    Instant deadline = start.plus(budget);
    AtomicInteger attempts = new AtomicInteger();
    IntervalBiFunction<Object> untilDeadline = (n, outcome) ->
        Math.max(1, Math.min(BACKOFF.apply(n), Duration.between(clock.instant(), deadline).toMillis()));
    Retry retry = Retry.of("sqlq-lock-" + db, RetryConfig.custom()
        .maxAttempts(Integer.MAX_VALUE)
        .intervalBiFunction(untilDeadline)
        .retryOnException(e -> e instanceof Held && clock.instant().isBefore(deadline))
        .build());
    try {
      return retry.executeSupplier(() -> {
        attempts.incrementAndGet();
        return attempt.get().orElseThrow(Held::new);
      });
    } catch (Held e) {
      throw new LockTimeoutException(db, Duration.between(start, clock.instant()), attempts.get());
    }
  }

  /** Control flow inside the retry only: the lock is held. No stack trace, never escapes. */
  private static final class Held extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Held() {
      super(null, null, false, false);
    }
  }
}
