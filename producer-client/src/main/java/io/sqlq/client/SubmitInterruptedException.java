package io.sqlq.client;

import io.sqlq.core.SqlqException;

/**
 * The submitting thread was interrupted while it waited for an in-flight slot (the client's
 * {@code maxInFlight} replies were outstanding). Nothing was sent, and the thread's interrupt
 * status is set again. Retryable: the same submit may succeed once replies have arrived.
 */
public final class SubmitInterruptedException extends SqlqException {
  private static final long serialVersionUID = 1L;

  SubmitInterruptedException(String database, int maxInFlight, InterruptedException cause) {
    super("interrupted while waiting to submit to database '" + database + "': " + maxInFlight
        + " requests (maxInFlight) await replies; nothing was sent", cause);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
