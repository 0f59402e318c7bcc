package io.sqlq.core.lock;

import java.time.Instant;

/**
 * A held lock.
 *
 * @param db the database
 * @param lockId the lock's identity in its service (the Security Group id)
 * @param holder who holds it (a unique id per acquire)
 * @param expiresAt when the lease ends; the reaper may break the lock after this plus its grace
 */
public record Lease(String db, String lockId, String holder, Instant expiresAt) {

  /** This lease ending at {@code newExpiresAt} instead. */
  public Lease withExpiresAt(Instant newExpiresAt) {
    return new Lease(db, lockId, holder, newExpiresAt);
  }
}
