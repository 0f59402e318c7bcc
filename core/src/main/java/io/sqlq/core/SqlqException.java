package io.sqlq.core;

/**
 * Root of every error sqlq raises itself. Subclasses carry the fields that explain the
 * failure; {@link #retryable()} is the single place that decides whether the work that
 * failed may succeed if it is tried again unchanged (a lock held, S3 throttling, a
 * conflicting writer) or never will (a malformed message, a bad configuration).
 */
public abstract class SqlqException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected SqlqException(String message) {
    super(message);
  }

  protected SqlqException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether trying the same work again, unchanged, may succeed. */
  public abstract boolean retryable();
}
