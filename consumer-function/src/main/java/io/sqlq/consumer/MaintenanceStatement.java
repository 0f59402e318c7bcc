package io.sqlq.consumer;

import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.protocol.WireCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Step 3 of {@code sqlq exec}: one maintenance statement ({@code VACUUM}, {@code ANALYZE}, a DDL
 * statement) on the working copy, run by {@link DatabaseBatch#run(String, java.time.Duration,
 * DatabaseBatch.ApplyStep)} under the same lock, lease keeper and conditional publish as a
 * batch of the queue. The statement runs in auto-commit mode, not in a transaction, because
 * {@code VACUUM} refuses to run inside one (sqlite.org/lang_vacuum.html: "A VACUUM will fail if
 * there is an open transaction"); the version bump follows it. The two are not atomic on the
 * working copy, which does not matter: the copy becomes durable only when published, and a
 * failure in between forgets it. The request is not recorded in {@code _sqlq_applied}: it never
 * travels through the queue, so nothing can redeliver it.
 *
 * <p>The same constructs as in a request are refused (transaction control, several statements).
 */
public final class MaintenanceStatement implements DatabaseBatch.ApplyStep {
  private final Request request;
  private final WireCodec codec;
  private final Clock clock;

  /**
   * @param request a request of exactly one statement
   * @throws IllegalArgumentException when {@code request} holds more than one statement
   */
  public MaintenanceStatement(Request request, WireCodec codec, Clock clock) {
    if (request.isTransaction()) {
      throw new IllegalArgumentException("sqlq exec runs one statement, not " + request.statements().size());
    }
    this.request = request;
    this.codec = codec;
    this.clock = clock;
  }

  /**
   * @throws MaintenanceFailedException when the statement fails (a SQL error, a refused
   *     construct); nothing is published
   */
  @Override
  public AppliedBatch apply(Connection connection) throws SQLException {
    try (SqlqTables tables = new SqlqTables(connection);
        StatementExecutor executor = new StatementExecutor(connection)) {
      long version = tables.version() + 1;
      StatementResult result;
      try {
        result = executor.execute(request.statements().get(0), 0);
      } catch (StatementFailedException e) {
        throw new MaintenanceFailedException(request.db(), e.error());
      }
      tables.setVersion(version);
      Instant at = clock.instant();
      Reply reply = Reply.ok(request, List.of(result), version, at);
      return new AppliedBatch(version, List.of(new AppliedRequest(request, reply, codec.encodeReply(reply))));
    }
  }
}
