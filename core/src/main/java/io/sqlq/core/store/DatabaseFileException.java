package io.sqlq.core.store;

import io.sqlq.core.SqlqException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A local copy of a database file could not be written or moved into place (disk full, missing
 * directory, permissions). Retryable: the batch is redelivered, possibly to another container
 * with a healthy disk; a fault that persists sends the messages to the dead-letter queue after
 * the queue's maxReceiveCount.
 */
public final class DatabaseFileException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  /**
   * @param file the local file the operation was about
   * @param operation what was being done, such as {@code "replace"}
   */
  public DatabaseFileException(Path file, String operation, IOException cause) {
    super(operation + " of local database file " + file + " failed: " + cause, cause);
    this.file = file;
  }

  /** The local file the failed operation was about. */
  public Path file() {
    return file;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
