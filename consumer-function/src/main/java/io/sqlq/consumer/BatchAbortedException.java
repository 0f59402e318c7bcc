package io.sqlq.consumer;

import io.sqlq.core.SqlqException;

/**
 * SQLite failed in a way that may have ended the whole transaction (SQLITE_FULL, SQLITE_IOERR,
 * SQLITE_NOMEM, SQLITE_BUSY: see sqlite.org/lang_transaction.html, "Response To Errors Within
 * A Transaction") or that says the file itself is damaged (SQLITE_CORRUPT, SQLITE_NOTADB). The
 * batch is abandoned unpublished and its records are redelivered. Retryable.
 */
public final class BatchAbortedException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;

  public BatchAbortedException(String db, String message, Throwable cause) {
    super("batch on database '" + db + "' abandoned: " + message, cause);
    this.db = db;
  }

  public String db() {
    return db;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
