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
 * then {@link LockTimeoutException}), the same extension semantics (a lease that is gone or was
 * re-taken throws {@link LockLostException}) and the same release semantics (releasing a lease
 * that is gone is not an error). Leases are matched by holder, not by expiry, so a release or an
 * extension with any copy of a lease finds it. Like the Security Group lock, an expired lease
 * stays held until it is released or reaped; this class has no reaper. Thread-safe.
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

  /** {@inheritDoc} */
  @Override
  public Lease extend(Lease lease) {
    Lease extended = lease.withExpiresAt(clock.instant().plus(this.lease).truncatedTo(ChronoUnit.MILLIS));
    Lease now = held.computeIfPresent(lease.db(), (db, current) -> sameHolder(current, lease) ? extended : current);
    if (now != extended) {
      throw new LockLostException(lease.db(), lease.lockId());
    }
    return extended;
  }

  /** {@inheritDoc} Removes the lease only if its holder still holds it, so a stale release cannot free a newer holder. */
  @Override
  public void release(Lease lease) {
    held.computeIfPresent(lease.db(), (db, current) -> sameHolder(current, lease) ? null : current);
  }

  @Override
  public Duration leaseLength() {
    return lease;
  }

  private static boolean sameHolder(Lease a, Lease b) {
    return a.holder().equals(b.holder()) && a.lockId().equals(b.lockId());
  }
}
