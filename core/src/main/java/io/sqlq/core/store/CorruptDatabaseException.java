package io.sqlq.core.store;

import io.sqlq.core.SqlqException;

/**
 * A stored database object, or a database rebuilt from them, is not what its checksum says: a
 * delta whose SHA-256 trailer does not match its bytes, or a file whose whole-database checksum
 * (DESIGN.md, "Storage layout") differs from the manifest's after a catch-up. The result is
 * never published nor read. Retryable: a catch-up that went wrong from a local copy is retried
 * from the snapshot by the store itself, and a redelivered batch starts over from the store; an
 * object damaged in the store stays damaged, which the dead-letter queue then shows.
 */
public final class CorruptDatabaseException extends SqlqException {
  private static final long serialVersionUID = 1L;

  /** @param what the object key or file and what did not match */
  public CorruptDatabaseException(String what) {
    super(what);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
