package io.sqlq.consumer;

import io.sqlq.core.SqlqException;

/**
 * A request message's payload pointer cannot be followed: it leads outside the stack's payload
 * prefix, to an object that does not exist, or to one that is too large. Not retryable: the
 * message is dead-lettered with this reason and blocks nothing.
 */
final class PayloadRefusedException extends SqlqException {
  private static final long serialVersionUID = 1L;

  PayloadRefusedException(String reason) {
    super(reason);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
