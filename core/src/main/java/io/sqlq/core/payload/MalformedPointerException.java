package io.sqlq.core.payload;

import io.sqlq.core.SqlqException;

/**
 * A message marked as carrying a payload pointer (the extended client's size attribute) whose
 * body is not one. Not retryable: the consumer dead-letters the message with this reason.
 */
public final class MalformedPointerException extends SqlqException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong with the pointer */
  public MalformedPointerException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
