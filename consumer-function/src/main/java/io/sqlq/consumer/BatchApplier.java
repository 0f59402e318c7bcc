package io.sqlq.consumer;

import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.protocol.WireCodec;
import java.sql.Connection;
import java.sql.SQLException;
import io.sqlq.core.SqlqConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Step 3 of the batch (DESIGN.md, "Consumer: one batch"): applies a database's requests, in
 * order, in one SQLite transaction. Pure: it touches nothing but the connection it is given.
 *
 * <p>For each request: when its id is in {@code _sqlq_applied}, the stored reply is reused and
 * nothing is applied; otherwise its statements run inside {@code SAVEPOINT sqlq_request}, and
 * any statement's error rolls back that savepoint only and becomes an ERROR reply. Each reply
 * is stored in {@code _sqlq_applied} in the same transaction, and the database version is
 * bumped by one. In the same transaction, rows of {@code _sqlq_applied} older than the retention
 * are pruned, at most {@link #pruneLimit} of them, so a batch's extra work stays bounded while
 * pruning still outpaces the rows a batch adds. The caller publishes the file only after {@link #apply} returns, so the
 * effect of a request and its stored reply are published together or not at all.
 */
public final class BatchApplier {
  private final WireCodec codec;
  private final Clock clock;
  private final int maxReplyBytes;
  private final Duration appliedRetention;
  private final Faults faults;

  /**
   * @param maxReplyBytes the largest encoded reply, in bytes; a request whose reply would be
   *     larger is rolled back and answered {@link ReplyError#REPLY_TOO_LARGE}
   * @param appliedRetention how long a row of {@code _sqlq_applied} is kept before it may be
   *     pruned (see {@link io.sqlq.core.SqlqConfig#appliedRetention()})
   * @param faults checked at {@link FaultPoint#MID_APPLY} after each request; unarmed in production
   */
  public BatchApplier(WireCodec codec, Clock clock, int maxReplyBytes, Duration appliedRetention, Faults faults) {
    this.codec = codec;
    this.clock = clock;
    this.maxReplyBytes = maxReplyBytes;
    this.appliedRetention = appliedRetention;
    this.faults = faults;
  }

  /** An applier with the default retention and no faults. */
  public BatchApplier(WireCodec codec, Clock clock, int maxReplyBytes) {
    this(codec, clock, maxReplyBytes, SqlqConfig.DEFAULT_APPLIED_RETENTION, new Faults());
  }

  /** An applier whose replies fit one SQS message ({@link MessageLimits#MAX_BODY_BYTES}). */
  public BatchApplier(WireCodec codec, Clock clock, Duration appliedRetention, Faults faults) {
    this(codec, clock, MessageLimits.MAX_BODY_BYTES - WireCodec.REPLY_BUNDLE_OVERHEAD_BYTES, appliedRetention, faults);
  }

  /** An applier whose replies fit one SQS message, with the default retention and no faults. */
  public BatchApplier(WireCodec codec, Clock clock) {
    this(codec, clock, SqlqConfig.DEFAULT_APPLIED_RETENTION, new Faults());
  }

  /**
   * Most {@code _sqlq_applied} rows one batch of {@code requests} requests prunes: twice the
   * requests it adds, at least 1,000, so old rows go faster than new ones come.
   */
  static int pruneLimit(int requests) {
    return Math.max(1_000, 2 * requests);
  }

  /**
   * Applies {@code requests} to the database open on {@code connection} and commits.
   *
   * @param connection an open SQLite connection in auto-commit mode; left in auto-commit mode
   * @param requests the requests of one database, in queue order
   * @return the new version and one reply per request, in order
   * @throws BatchAbortedException when SQLite fails in a way that may have ended the
   *     transaction or damaged the file; the transaction is rolled back and nothing is committed
   * @throws SQLException when sqlq's own bookkeeping fails; the transaction is rolled back
   */
  public AppliedBatch apply(Connection connection, List<Request> requests) throws SQLException {
    String db = requests.isEmpty() ? "?" : requests.get(0).db();
    connection.setAutoCommit(false);
    try (SqlqTables tables = new SqlqTables(connection);
        StatementExecutor executor = new StatementExecutor(connection);
        java.sql.Statement control = connection.createStatement()) {
      long version = tables.version() + 1;
      Instant at = clock.instant();
      List<AppliedRequest> applied = new ArrayList<>(requests.size());
      for (Request request : requests) {
        Optional<String> stored = tables.storedReply(request.id());
        if (stored.isPresent()) {
          applied.add(new AppliedRequest(request, codec.decodeReplies(stored.get()).get(0), stored.get()));
          continue;
        }
        AppliedRequest outcome = applyOne(request, executor, control, version, at);
        tables.recordReply(request.id(), outcome.encodedReply(), at.toEpochMilli());
        applied.add(outcome);
        faults.check(FaultPoint.MID_APPLY);
      }
      tables.pruneApplied(at.minus(appliedRetention).toEpochMilli(), pruneLimit(requests.size()));
      tables.setVersion(version);
      connection.commit();
      return new AppliedBatch(version, applied);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(connection, e);
      if (e instanceof SQLException sql && StatementExecutor.isFatal(sql)) {
        throw new BatchAbortedException(db, sql.getMessage(), sql);
      }
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private AppliedRequest applyOne(
      Request request, StatementExecutor executor, java.sql.Statement control, long version, Instant at)
      throws SQLException {
    control.execute("SAVEPOINT sqlq_request");
    Reply reply;
    try {
      List<StatementResult> results = new ArrayList<>(request.statements().size());
      for (int i = 0; i < request.statements().size(); i++) {
        results.add(executor.execute(request.statements().get(i), i));
      }
      reply = Reply.ok(request, results, version, at);
      String encoded = codec.encodeReply(reply);
      if (WireCodec.utf8Length(encoded) <= maxReplyBytes) {
        control.execute("RELEASE sqlq_request");
        return new AppliedRequest(request, reply, encoded);
      }
      reply = Reply.error(request, new ReplyError(ReplyError.REPLY_TOO_LARGE, "the reply would take "
          + WireCodec.utf8Length(encoded) + " bytes, more than the " + maxReplyBytes
          + " bytes one SQS message can carry; select fewer rows or columns", null), version, at);
    } catch (StatementFailedException e) {
      reply = Reply.error(request, e.error(), version, at);
    }
    control.execute("ROLLBACK TO sqlq_request");
    control.execute("RELEASE sqlq_request");
    return new AppliedRequest(request, reply, codec.encodeReply(reply));
  }

  private static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
