package io.sqlq.core.lock;

import java.time.Duration;

/**
 * A per-database mutual exclusion lock with a lease. The lock keeps writers from wasting work
 * on conflicts; it is not what keeps data safe (the conditional publish of
 * {@link io.sqlq.core.store.DatabaseStore} is), so a lock broken by the reaper while its
 * holder still runs costs a retry, never a write.
 *
 * <p>A lease ends at its {@code expiresAt}; past that (plus the reaper's grace) the reaper may
 * break it. A holder whose work runs long keeps its lease alive with {@link #extend} well before
 * it ends (the consumer's lease keeper extends every third of {@link #leaseLength()}).
 *
 * <p>Implementations: {@link SecurityGroupLock} (the only class that sees {@code Ec2Client})
 * and {@link InMemoryLock} for tests.
 */
public interface DatabaseLock {

  /**
   * Takes the lock of {@code db}, waiting with exponential backoff and full jitter while another
   * holder has it.
   *
   * @param waitBudget the longest time to wait for a held lock
   * @return the lease, to be passed to {@link #extend} and {@link #release}; it ends
   *     {@link #leaseLength()} after the acquire
   * @throws LockTimeoutException when the lock is still held after {@code waitBudget}
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock service fails otherwise
   */
  Lease acquire(String db, Duration waitBudget);

  /**
   * Moves the end of a held lease to {@link #leaseLength()} from now.
   *
   * @param lease the lease as last returned by {@link #acquire} or {@code extend}
   * @return the same lease with its new {@code expiresAt}
   * @throws LockLostException when the lock is gone or held by another holder (retryable)
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock service fails; the lease is
   *     unchanged and may be extended again
   */
  Lease extend(Lease lease);

  /**
   * Releases a lease. Releasing a lock that is already gone (reaped) is not an error, and a
   * lease never frees a lock that another holder took since.
   *
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock service fails
   */
  void release(Lease lease);

  /** How long each lease lasts from its acquire or last extension. */
  Duration leaseLength();
}
