package io.sqlq.local;

import io.sqlq.core.SqlqException;

/**
 * The local AWS emulator (moto_server) is not installed, did not start, or stopped answering.
 * Not retryable: it needs a person to install or inspect it; the message says how, and names
 * the emulator's log file when there is one.
 */
public final class LocalStackUnavailableException extends SqlqException {
  private static final long serialVersionUID = 1L;

  public LocalStackUnavailableException(String message) {
    super(message);
  }

  public LocalStackUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
