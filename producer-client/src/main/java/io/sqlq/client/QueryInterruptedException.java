package io.sqlq.client;

import io.sqlq.core.SqlqException;

/**
 * The thread of a query was interrupted while it waited between two checks of the store for
 * {@link Consistency#atLeast(long)}; its interrupt status is set again. Retryable.
 */
public final class QueryInterruptedException extends SqlqException {
  private static final long serialVersionUID = 1L;

  /** @param cause the interrupt */
  public QueryInterruptedException(InterruptedException cause) {
    super("interrupted while waiting for a newer snapshot", cause);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
