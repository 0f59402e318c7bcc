package io.sqlq.client;

import io.sqlq.core.protocol.ReplyError;

/**
 * A query tried to change its snapshot: SQLite, which opened it read-only, refused the
 * statement with {@code SQLITE_READONLY} ("attempt to write a readonly database",
 * sqlite.org/rescode.html#readonly). Nothing decides this from keywords: whatever writes
 * (INSERT, UPDATE, DELETE, DROP, a writing PRAGMA) is refused by SQLite itself. Send writes
 * with {@code submit}.
 */
public final class ReadOnlyQueryException extends QueryFailedException {
  private static final long serialVersionUID = 1L;

  /** @param error the error whose code is {@code SQLITE_READONLY} or one of its extended codes */
  public ReadOnlyQueryException(String db, ReplyError error) {
    super(db, error);
  }
}
