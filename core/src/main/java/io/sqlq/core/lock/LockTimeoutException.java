package io.sqlq.core.lock;

import io.sqlq.core.SqlqException;
import java.time.Duration;

/** The lock of a database stayed held for the whole wait budget. Retryable. */
public final class LockTimeoutException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;
  private final Duration waited;
  private final int attempts;

  public LockTimeoutException(String db, Duration waited, int attempts) {
    super("lock of database '" + db + "' still held after " + waited.toMillis() + " ms and " + attempts + " attempts");
    this.db = db;
    this.waited = waited;
    this.attempts = attempts;
  }

  public String db() {
    return db;
  }

  public Duration waited() {
    return waited;
  }

  public int attempts() {
    return attempts;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
