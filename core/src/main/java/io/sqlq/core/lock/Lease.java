package io.sqlq.core.lock;

import java.time.Instant;

/**
 * A held lock.
 *
 * @param db the database
 * @param lockId the lock's identity in its service (the Security Group id)
 * @param holder who holds it (a unique id per acquire)
 * @param expiresAt when the reaper may break it
 */
public record Lease(String db, String lockId, String holder, Instant expiresAt) {}
