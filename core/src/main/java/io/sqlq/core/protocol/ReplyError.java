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
  /** ATTACH or DETACH: they would open other files of the function's disk. */
  public static final String ATTACH_REFUSED = "SQLQ_ATTACH_REFUSED";
  /** VACUUM (any form): {@code VACUUM INTO} writes a file; plain VACUUM cannot run in a transaction. */
  public static final String VACUUM_REFUSED = "SQLQ_VACUUM_REFUSED";
  /** A PRAGMA that is not on sqlq's allow-list, or a read-only one given a value. */
  public static final String PRAGMA_REFUSED = "SQLQ_PRAGMA_REFUSED";
  /** A call of a function sqlq refuses ({@code load_extension}, {@code fts3_tokenizer}). */
  public static final String FUNCTION_REFUSED = "SQLQ_FUNCTION_REFUSED";
  /** The sql held no statement, only whitespace and comments. */
  public static final String EMPTY_STATEMENT = "SQLQ_EMPTY_STATEMENT";
  /** The sql held a NUL character, where SQLite would stop reading it. */
  public static final String NUL_CHARACTER = "SQLQ_NUL_CHARACTER";
  /** SQL whose string, quoted identifier or block comment is not closed. */
  public static final String UNTERMINATED = "SQLQ_UNTERMINATED";
  /** A statement ran longer than the consumer's statement time budget and was interrupted. */
  public static final String STATEMENT_TIMEOUT = "SQLQ_STATEMENT_TIMEOUT";
  /** A request held more statements than {@link MessageLimits#MAX_STATEMENTS_PER_REQUEST}. */
  public static final String TOO_MANY_STATEMENTS = "SQLQ_TOO_MANY_STATEMENTS";
  /** A statement had more values than {@link MessageLimits#MAX_PARAMETERS_PER_STATEMENT}. */
  public static final String TOO_MANY_PARAMETERS = "SQLQ_TOO_MANY_PARAMETERS";
  /** A statement's SQL was longer than {@link MessageLimits#MAX_SQL_BYTES}. */
  public static final String SQL_TOO_LONG = "SQLQ_SQL_TOO_LONG";
  /**
   * The request named a reply queue outside the stack's reply queues; it was not applied and
   * this reply went to the stack's default reply queue instead.
   */
  public static final String REPLY_QUEUE_REFUSED = "SQLQ_REPLY_QUEUE_REFUSED";

  /**
   * The request was applied before, at or before the version in the reply's {@code dbVersion},
   * and its own reply is no longer kept (DESIGN.md, "Exactly-once state"): a duplicate older than
   * the database's last batch. It was not applied again.
   */
  public static final String ALREADY_APPLIED = "SQLQ_ALREADY_APPLIED";

  public ReplyError {
    if (code == null || code.isEmpty()) {
      throw new IllegalArgumentException("a reply error needs a code");
    }
    message = message == null ? "" : message;
  }
}
