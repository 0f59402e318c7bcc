package io.sqlq.core.lock;

import java.time.Duration;

/**
 * A per-database mutual exclusion lock with a lease. The lock keeps writers from wasting work
 * on conflicts; it is not what keeps data safe (the conditional publish of
 * {@link io.sqlq.core.store.DatabaseStore} is), so a lock broken by the reaper while its
 * holder still runs costs a retry, never a write.
 *
 * <p>Implementations: {@link SecurityGroupLock} (the only class that sees {@code Ec2Client})
 * and {@link InMemoryLock} for tests.
 */
public interface DatabaseLock {

  /**
   * Takes the lock of {@code db}, waiting with exponential backoff and jitter while another
   * holder has it.
   *
   * @param waitBudget the longest time to wait for a held lock
   * @return the lease, to be passed to {@link #release}
   * @throws LockTimeoutException when the lock is still held after {@code waitBudget}
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock service fails otherwise
   */
  Lease acquire(String db, Duration waitBudget);

  /**
   * Releases a lease. Releasing a lock that is already gone (reaped) is not an error.
   *
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock service fails
   */
  void release(Lease lease);
}
