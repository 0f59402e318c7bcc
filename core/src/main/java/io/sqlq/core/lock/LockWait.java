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
 * exponential backoff and jitter and try again, until the wait budget measured on the injected
 * clock is spent. The last sleep is cut short so that a final attempt happens when the budget
 * ends, never after.
 *
 * <p>Backoff: "full jitter" as the AWS Architecture Blog defines it ("Exponential Backoff And
 * Jitter", M. Brooker, 2015: {@code sleep = random_between(0, min(cap, base * 2^attempt))}), which
 * that article measured to spread contending clients best for the least total work. resilience4j
 * 2.3.0 has no interval function that is exactly full jitter. The closest documented one is
 * {@code IntervalFunction.ofExponentialRandomBackoff(initial, multiplier, randomizationFactor,
 * max)} with the largest randomization factor it accepts, 1.0: attempt {@code n} draws uniformly
 * from {@code [0, 2v]} around the nominal {@code v = initial * multiplier^(n-1)} and then caps
 * the draw at {@code max}. Until {@code 2v} reaches the cap this is full jitter with base
 * {@code 2 * initial}; past it, draws above the cap are clipped to the cap instead of being
 * spread below it, because the library caps after randomizing, and {@code v} keeps growing: with
 * the values below 37.5 % of the 6th sleeps sit at the cap, 69 % of the 7th, 84 % of the 8th. A
 * writer still waiting after about 1.6 s therefore retries about once a second, its phase set by
 * its earlier random sleeps. sqlq's waits are mostly shorter (FIFO message groups already keep
 * consumers of one database apart), so the clipped tail is accepted rather than replaced by
 * code of our own.
 *
 * <p>Values: initial 25 ms, multiplier 2, randomization factor 1.0, cap 1,000 ms. So the sleeps
 * are drawn from [0, 50], [0, 100], [0, 200], [0, 400], [0, 800] ms, then from [0, 1,600] ms and
 * wider, clipped to 1,000 ms.
 */
final class LockWait {
  /** Nominal first sleep after a held lock: 25 ms (drawn from 0 to 50 ms). */
  static final Duration INITIAL_INTERVAL = Duration.ofMillis(25);
  /** Growth of the nominal sleep per attempt. */
  static final double MULTIPLIER = 2.0;
  /** Each sleep is drawn uniformly from 0 to twice its nominal value: full jitter. */
  static final double RANDOMIZATION_FACTOR = 1.0;
  /** Longest sleep: 1,000 ms. */
  static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

  /** The sleep before attempt {@code n + 1} in ms, {@code n} counted from 1 (before the deadline cut). */
  static final IntervalFunction BACKOFF =
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
