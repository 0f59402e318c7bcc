package io.sqlq.core.protocol;

import io.sqlq.core.SqlqException;

/**
 * A message body that does not decode to valid requests: not JSON, an unknown protocol
 * version, a bad database name, a missing or misspelt field, an unsupported parameter type.
 * Never retryable: the consumer moves such a message to the dead-letter queue with this
 * exception's message as its {@code sqlq-error} attribute.
 */
public final class MalformedMessageException extends SqlqException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
