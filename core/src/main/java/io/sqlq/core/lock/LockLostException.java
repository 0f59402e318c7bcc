package io.sqlq.core.lock;

import io.sqlq.core.SqlqException;

/**
 * A holder tried to extend its lease and found its lock gone (released, or deleted by the reaper
 * after {@code expires-at} plus grace) or taken by another holder. The holder must stop before it
 * publishes and fail its records; the conditional publish would refuse a stale write anyway
 * (fencing), so stopping early only saves work. Retryable: the records come back and the next
 * batch takes the lock afresh.
 */
public final class LockLostException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;
  private final String lockId;

  /**
   * @param db the database whose lock was lost
   * @param lockId the lock's identity in its service (the Security Group id)
   */
  public LockLostException(String db, String lockId) {
    super("lock " + lockId + " of database '" + db + "' was lost (released, reaped after its lease, or re-taken)");
    this.db = db;
    this.lockId = lockId;
  }

  public String db() {
    return db;
  }

  public String lockId() {
    return lockId;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
