package io.sqlq.core.protocol;

import io.sqlq.core.DatabaseName;
import java.util.List;

/**
 * One request: one or more statements applied atomically, in order, to database {@code db},
 * answered by one {@link Reply} on {@code replyTo}.
 *
 * @param id request id, 1 to 128 characters (the SQS deduplication id limit); the key of the
 *     database's applied-requests table, so a request with a known id is never applied twice
 * @param db database name, see {@link DatabaseName}
 * @param statements at least one statement; more than one form a transaction
 * @param replyTo the reply queue URL, or null for the stack's default reply queue
 * @param sequence its producer id and sequence number, or null for a request sent without
 *     them (a console send); DESIGN.md, "Exactly-once state"
 */
public record Request(String id, String db, List<Statement> statements, String replyTo, Sequence sequence) {
  /** Longest request id, in characters: the SQS MessageDeduplicationId limit (128). */
  public static final int MAX_ID_LENGTH = 128;

  public Request {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("a request id needs 1 to " + MAX_ID_LENGTH + " characters");
    }
    DatabaseName.validate(db);
    if (statements == null || statements.isEmpty()) {
      throw new IllegalArgumentException("request " + id + " has no statements");
    }
    statements = List.copyOf(statements);
  }

  /** Whether this request carries more than one statement (sent as {@code statements}). */
  public boolean isTransaction() {
    return statements.size() > 1;
  }
}
