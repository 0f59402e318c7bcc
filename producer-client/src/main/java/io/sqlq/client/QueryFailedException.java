package io.sqlq.client;

import io.sqlq.core.SqlqException;
import io.sqlq.core.protocol.ReplyError;

/**
 * A query on a snapshot failed as its statement's own fault, with the code a submitted request
 * would have been answered with: an SQL error ({@code SQLITE_ERROR} for "no such table"), a
 * refused construct ({@code SQLQ_ATTACH_REFUSED}, {@code SQLQ_PRAGMA_REFUSED}, ...), a bad
 * parameter, a statement past its budget ({@code SQLQ_STATEMENT_TIMEOUT}) or rows over the
 * result bound ({@code SQLQ_REPLY_TOO_LARGE}). A write is {@link ReadOnlyQueryException}. Not
 * retryable: the same query fails again.
 */
public class QueryFailedException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;
  private final transient ReplyError error;

  /**
   * @param db the database queried
   * @param error the code and message, as in an ERROR reply
   */
  public QueryFailedException(String db, ReplyError error) {
    super("query on database '" + db + "' failed: " + error.code() + ": " + error.message());
    this.db = db;
    this.error = error;
  }

  /** The database queried. */
  public String db() {
    return db;
  }

  /** The code and message, as an ERROR reply would carry them. */
  public ReplyError error() {
    return error;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
