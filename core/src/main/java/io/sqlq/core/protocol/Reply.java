package io.sqlq.core.protocol;

import java.time.Instant;
import java.util.List;

/**
 * The answer to one {@link Request}: {@code OK} with one result per statement, or
 * {@code ERROR} with the error and no effect on the database (the request's savepoint was
 * rolled back).
 *
 * @param id the request id
 * @param db the database name
 * @param status OK or ERROR
 * @param results one per statement when OK, empty when ERROR
 * @param error the error when ERROR, null when OK
 * @param dbVersion the database version this request was applied in (monotonic, one step
 *     per published batch)
 * @param appliedAt when the batch that applied it ran
 */
public record Reply(
    String id,
    String db,
    Status status,
    List<StatementResult> results,
    ReplyError error,
    long dbVersion,
    Instant appliedAt) {

  /** Whether the request took effect. */
  public enum Status { OK, ERROR }

  public Reply {
    if (id == null || db == null || status == null || appliedAt == null) {
      throw new IllegalArgumentException("a reply needs id, db, status and appliedAt");
    }
    results = results == null ? List.of() : List.copyOf(results);
    if ((status == Status.ERROR) != (error != null)) {
      throw new IllegalArgumentException("a reply has an error exactly when its status is ERROR");
    }
  }

  /** A successful reply. */
  public static Reply ok(Request request, List<StatementResult> results, long dbVersion, Instant at) {
    return new Reply(request.id(), request.db(), Status.OK, results, null, dbVersion, at);
  }

  /** A failed reply. */
  public static Reply error(Request request, ReplyError error, long dbVersion, Instant at) {
    return new Reply(request.id(), request.db(), Status.ERROR, List.of(), error, dbVersion, at);
  }

  /** Whether the request took effect. */
  public boolean ok() {
    return status == Status.OK;
  }
}
