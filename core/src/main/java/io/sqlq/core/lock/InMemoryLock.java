package io.sqlq.core.lock;

import io.sqlq.core.DatabaseName;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-memory twin of {@link SecurityGroupLock}, for tests and fast local runs: one lease per
 * database in a concurrent map, the same waiting (backoff with jitter until the budget is spent,
 * then {@link LockTimeoutException}) and the same release semantics (releasing a lease that is
 * gone is not an error). Like the Security Group lock, an expired lease stays held until it is
 * released or reaped; this class has no reaper. Thread-safe.
 */
public final class InMemoryLock implements DatabaseLock {
  private final ConcurrentMap<String, Lease> held = new ConcurrentHashMap<>();
  private final Duration lease;
  private final Clock clock;
  private final LockWait wait;

  /**
   * @param lease how long after acquiring a lease's {@code expiresAt} lies
   * @param clock the clock for {@code expiresAt} and for the wait budget
   */
  public InMemoryLock(Duration lease, Clock clock) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.wait = new LockWait(clock);
  }

  /**
   * {@inheritDoc}
   *
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   */
  @Override
  public Lease acquire(String db, Duration waitBudget) {
    DatabaseName.validate(db);
    return wait.await(db, waitBudget, () -> {
      String id = UUID.randomUUID().toString();
      Lease candidate = new Lease(db, "mem-" + id, id, clock.instant().plus(lease).truncatedTo(ChronoUnit.MILLIS));
      return held.putIfAbsent(db, candidate) == null ? Optional.of(candidate) : Optional.empty();
    });
  }

  /** {@inheritDoc} Removes the lease only if it is still the one held, so a stale release cannot free a newer holder. */
  @Override
  public void release(Lease lease) {
    held.remove(lease.db(), lease);
  }
}
