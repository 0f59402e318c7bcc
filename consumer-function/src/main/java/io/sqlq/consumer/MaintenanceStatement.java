package io.sqlq.consumer;

import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.sqlite.StatementBudget;
import io.sqlq.core.sqlite.StatementExecutor;
import io.sqlq.core.sqlite.StatementFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * Step 4 of {@code sqlq exec}: one maintenance statement ({@code VACUUM}, {@code ANALYZE}, a DDL
 * statement) on the working copy, run by {@link DatabaseBatch#run(String, java.time.Duration,
 * DatabaseBatch.ApplyStep)} under the same lock, lease keeper and conditional publish as a
 * batch of the queue. The statement runs in auto-commit mode, not in a transaction, because
 * {@code VACUUM} refuses to run inside one (sqlite.org/lang_vacuum.html: "A VACUUM will fail if
 * there is an open transaction"); the version bump follows it. The two are not atomic on the
 * working copy, which does not matter: the copy becomes durable only when published, and a
 * failure in between forgets it. The request is not recorded in the exactly-once state: it never
 * travels through the queue, so nothing can redeliver it; the last batch's stored replies stay.
 *
 * <p>The rules of a request apply ({@link io.sqlq.core.sql.RefusedConstructs}: no ATTACH, no
 * transaction control, one statement), with one exception, the reason this command exists: a
 * plain {@code VACUUM} (optionally naming the schema), which requests may not run, is run here
 * as is. {@code VACUUM INTO} stays refused (it writes a file). A statement may run for
 * {@link #STATEMENT_BUDGET}; the lease keeper holds the lock meanwhile.
 */
public final class MaintenanceStatement implements DatabaseBatch.ApplyStep {
  /** The longest a maintenance statement may run: 3,600,000 ms (a VACUUM or CREATE INDEX of a large file). */
  static final Duration STATEMENT_BUDGET = Duration.ofHours(1);
  /** {@code VACUUM} or {@code VACUUM <schema>}, nothing else: not {@code VACUUM INTO}. */
  private static final Pattern PLAIN_VACUUM = Pattern.compile("(?i)\\s*VACUUM(\\s+[A-Za-z_][A-Za-z0-9_]*)?\\s*;?\\s*");

  private final Request request;
  private final ReplyCodec codec;
  private final Clock clock;

  /**
   * @param request a request of exactly one statement
   * @throws IllegalArgumentException when {@code request} holds more than one statement
   */
  public MaintenanceStatement(Request request, ReplyCodec codec, Clock clock) {
    if (request.isTransaction()) {
      throw new IllegalArgumentException("sqlq exec runs one statement, not " + request.statements().size());
    }
    this.request = request;
    this.codec = codec;
    this.clock = clock;
  }

  /**
   * Runs a plain VACUUM. VACUUM attaches a temporary database of its own
   * (sqlite.org/lang_vacuum.html: "works by copying the contents of the database into a temporary
   * database file"), which the hardened connection's {@code SQLITE_LIMIT_ATTACHED} of 0 forbids,
   * so the limit is 1 for this statement only and 0 again after it.
   */
  private static void vacuum(Connection connection, String sql) throws SQLException {
    SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
    sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 1);
    try (java.sql.Statement vacuum = connection.createStatement()) {
      vacuum.execute(sql);
    } finally {
      sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
    }
  }

  /**
   * @throws MaintenanceFailedException when the statement fails (a SQL error, a refused
   *     construct); nothing is published
   */
  @Override
  public AppliedBatch apply(Connection connection) throws SQLException {
    try (SqlqTables tables = new SqlqTables(connection);
        StatementExecutor executor = new StatementExecutor(connection, new StatementBudget(STATEMENT_BUDGET),
            MessageLimits.MAX_BODY_BYTES)) {
      long version = tables.version() + 1;
      StatementResult result;
      String sql = request.statements().get(0).sql();
      if (PLAIN_VACUUM.matcher(sql).matches()) {
        vacuum(connection, sql);
        result = StatementResult.changes(0, 0L);
      } else {
        try {
          result = executor.execute(request.statements().get(0), 0);
        } catch (StatementFailedException e) {
          throw new MaintenanceFailedException(request.db(), e.error());
        }
      }
      tables.setVersion(version);
      Instant at = clock.instant();
      Reply reply = Reply.ok(request, List.of(result), version, at);
      return new AppliedBatch(version, List.of(new AppliedRequest(request, reply, codec.encodeReply(reply))), true);
    }
  }
}
