package io.sqlq.core.store;

import io.sqlq.core.SqlqException;

/**
 * A restore asked for a version (or a time) the store does not keep: before the oldest version
 * of the history (older than the retention, or before the database existed), after the current
 * one, or of a database without a layout-v2 manifest. Not retryable.
 */
public final class VersionNotKeptException extends SqlqException {
  private static final long serialVersionUID = 1L;

  /** @param message what was asked and what is kept */
  public VersionNotKeptException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
