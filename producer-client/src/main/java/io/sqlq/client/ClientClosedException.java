package io.sqlq.client;

import io.sqlq.core.SqlqException;

/**
 * The client was closed: a submit after {@link SqlqClient#close()} began, or a request that
 * was still unsent or unanswered when close gave up waiting. Never retryable on this client.
 */
public final class ClientClosedException extends SqlqException {
  private static final long serialVersionUID = 1L;

  ClientClosedException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
