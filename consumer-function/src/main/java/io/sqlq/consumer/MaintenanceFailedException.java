package io.sqlq.consumer;

import io.sqlq.core.SqlqException;
import io.sqlq.core.protocol.ReplyError;

/**
 * The statement of {@code sqlq exec} failed (a SQL error, a refused construct); nothing was
 * published. Not retryable: the same statement fails the same way.
 */
public final class MaintenanceFailedException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;
  private final transient ReplyError error;

  public MaintenanceFailedException(String db, ReplyError error) {
    super("statement on database '" + db + "' failed, nothing published: " + error.code() + ": " + error.message());
    this.db = db;
    this.error = error;
  }

  public String db() {
    return db;
  }

  /** SQLite's error code and message. */
  public ReplyError error() {
    return error;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
