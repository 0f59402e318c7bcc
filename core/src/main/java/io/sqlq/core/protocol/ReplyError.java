package io.sqlq.core.protocol;

/**
 * Why a request was not applied.
 *
 * @param code a SQLite result code name such as {@code SQLITE_CONSTRAINT_PRIMARYKEY} (see
 *     sqlite.org/rescode.html), or one of the {@code SQLQ_*} codes below
 * @param message human-readable detail
 * @param statement zero-based index of the failing statement in the request, or null when
 *     the failure is not tied to one statement
 */
public record ReplyError(String code, String message, Integer statement) {
  /** The sql field held more than one statement; send them as {@code statements}. */
  public static final String MULTIPLE_STATEMENTS = "SQLQ_MULTIPLE_STATEMENTS";
  /** The sql began a, ended or named a transaction; sqlq owns the transaction. */
  public static final String TRANSACTION_CONTROL = "SQLQ_TRANSACTION_CONTROL";
  /** A parameter could not be bound (unknown name, count mismatch). */
  public static final String BAD_PARAMETER = "SQLQ_BAD_PARAMETER";
  /** The reply would not fit in one SQS message. */
  public static final String REPLY_TOO_LARGE = "SQLQ_REPLY_TOO_LARGE";

  public ReplyError {
    if (code == null || code.isEmpty()) {
      throw new IllegalArgumentException("a reply error needs a code");
    }
    message = message == null ? "" : message;
  }
}
