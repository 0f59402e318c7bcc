package io.sqlq.client;

import io.sqlq.core.SqlqException;

/**
 * A query named a database that the store does not hold: no batch has ever published it. Not
 * retryable as such; a query after the database's first write succeeds.
 */
public final class DatabaseNotFoundException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;

  /** @param db the database queried */
  public DatabaseNotFoundException(String db) {
    super("database '" + db + "' does not exist: nothing was ever written to it");
    this.db = db;
  }

  /** The database queried. */
  public String db() {
    return db;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
