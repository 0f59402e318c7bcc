package io.sqlq.consumer;

import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.protocol.WireCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Step 3 of the batch (DESIGN.md, "Consumer: one batch"): applies a database's requests, in
 * order, in one SQLite transaction. Pure: it touches nothing but the connection it is given.
 *
 * <p>For each request: when its id is in {@code _sqlq_applied}, the stored reply is reused and
 * nothing is applied; otherwise its statements run inside {@code SAVEPOINT sqlq_request}, and
 * any statement's error rolls back that savepoint only and becomes an ERROR reply. Each reply
 * is stored in {@code _sqlq_applied} in the same transaction, and the database version is
 * bumped by one. The caller publishes the file only after {@link #apply} returns, so the
 * effect of a request and its stored reply are published together or not at all.
 */
public final class BatchApplier {
  private final WireCodec codec;
  private final Clock clock;
  private final int maxReplyBytes;
  private final StatementBudget budget;
  private final ReplyQueues replyQueues;

  /**
   * @param maxReplyBytes the largest encoded reply, in bytes; a request whose reply would be
   *     larger is rolled back and answered {@link ReplyError#REPLY_TOO_LARGE}
   * @param statementBudget how long one statement may run before it is interrupted and its
   *     request answered {@link ReplyError#STATEMENT_TIMEOUT}
   * @param replyQueues the reply queues requests may name; a request naming another is not
   *     applied and is answered {@link ReplyError#REPLY_QUEUE_REFUSED} on the default reply
   *     queue; null lets requests name any queue (tools and tests that send no replies)
   */
  public BatchApplier(WireCodec codec, Clock clock, int maxReplyBytes, Duration statementBudget, ReplyQueues replyQueues) {
    this.codec = codec;
    this.clock = clock;
    this.maxReplyBytes = maxReplyBytes;
    this.budget = new StatementBudget(statementBudget);
    this.replyQueues = replyQueues;
  }

  /**
   * The consumer's applier: replies fit one SQS message ({@link MessageLimits#MAX_BODY_BYTES}),
   * each statement runs at most {@code statementBudget}, and replies go only to
   * {@code replyQueues}.
   */
  public BatchApplier(WireCodec codec, Clock clock, Duration statementBudget, ReplyQueues replyQueues) {
    this(codec, clock, MessageLimits.MAX_BODY_BYTES - WireCodec.REPLY_BUNDLE_OVERHEAD_BYTES, statementBudget,
        replyQueues);
  }

  /** An applier for tools and tests: any reply queue, {@link StatementBudget#DEFAULT}. */
  public BatchApplier(WireCodec codec, Clock clock, int maxReplyBytes) {
    this(codec, clock, maxReplyBytes, StatementBudget.DEFAULT, null);
  }

  /** An applier for tools and tests whose replies fit one SQS message; any reply queue. */
  public BatchApplier(WireCodec codec, Clock clock) {
    this(codec, clock, MessageLimits.MAX_BODY_BYTES - WireCodec.REPLY_BUNDLE_OVERHEAD_BYTES);
  }

  /**
   * Applies {@code requests} to the database open on {@code connection} and commits.
   *
   * <p>Some errors make SQLite roll back the whole transaction, not just the failing statement
   * (an interrupted INSERT, UPDATE or DELETE: sqlite.org/c3ref/interrupt.html). The applier
   * notices when the request's savepoint is gone, keeps that request's error, and applies the
   * batch again from its start with that request answered by its error and not run: at most one
   * extra pass per such request, and nothing of a lost pass is committed or replied.
   *
   * @param connection an open SQLite connection in auto-commit mode; left in auto-commit mode
   * @param requests the requests of one database, in queue order
   * @return the new version and one reply per request, in order
   * @throws BatchAbortedException when SQLite fails in a way that may have ended the
   *     transaction or damaged the file; the transaction is rolled back and nothing is committed
   * @throws SQLException when sqlq's own bookkeeping fails; the transaction is rolled back
   */
  public AppliedBatch apply(Connection connection, List<Request> requests) throws SQLException {
    Map<String, ReplyError> lost = new HashMap<>();
    while (true) {
      try {
        return applyOnce(connection, requests, lost);
      } catch (TransactionLostException e) {
        lost.put(e.requestId, e.error);
      }
    }
  }

  private AppliedBatch applyOnce(Connection connection, List<Request> requests, Map<String, ReplyError> lost)
      throws SQLException, TransactionLostException {
    String db = requests.isEmpty() ? "?" : requests.get(0).db();
    connection.setAutoCommit(false);
    Exception failure = null;
    try (SqlqTables tables = new SqlqTables(connection);
        StatementExecutor executor = new StatementExecutor(connection, budget, maxReplyBytes);
        java.sql.Statement control = connection.createStatement()) {
      long version = tables.version() + 1;
      Instant at = clock.instant();
      List<AppliedRequest> applied = new ArrayList<>(requests.size());
      for (Request asked : requests) {
        Request request = withAllowedReplyQueue(asked);
        Optional<String> stored = tables.storedReply(request.id());
        if (stored.isPresent()) {
          applied.add(new AppliedRequest(request, codec.decodeReplies(stored.get()).get(0), stored.get()));
          continue;
        }
        ReplyError refused = refusal(asked, request, lost);
        AppliedRequest outcome = refused != null
            ? answered(request, Reply.error(request, refused, version, at))
            : applyOne(request, executor, control, version, at);
        tables.recordReply(request.id(), outcome.encodedReply(), at.toEpochMilli());
        applied.add(outcome);
      }
      tables.setVersion(version);
      connection.commit();
      return new AppliedBatch(version, applied);
    } catch (SQLException | RuntimeException | TransactionLostException e) {
      failure = e;
      rollbackQuietly(connection, e);
      if (e instanceof SQLException sql && StatementExecutor.isFatal(sql)) {
        throw new BatchAbortedException(db, sql.getMessage(), sql);
      }
      throw e;
    } finally {
      restoreAutoCommit(connection, failure);
    }
  }

  /** {@code asked} as it is answered: on the default reply queue when it named one outside the stack. */
  private Request withAllowedReplyQueue(Request asked) {
    return replyQueues == null || replyQueues.allows(asked.replyTo())
        ? asked : new Request(asked.id(), asked.db(), asked.statements(), replyQueues.defaultReplyTo());
  }

  /** Why the request is answered without running, or null when it runs. */
  private ReplyError refusal(Request asked, Request request, Map<String, ReplyError> lost) {
    if (request != asked) {
      return new ReplyError(ReplyError.REPLY_QUEUE_REFUSED, "replyTo " + asked.replyTo()
          + " is not one of this stack's reply queues (" + replyQueues.defaultReplyTo()
          + " or a queue beside it named after it with '-'); the request was not applied", null);
    }
    return RequestScreen.refusal(request).orElse(lost.get(request.id()));
  }

  private AppliedRequest applyOne(
      Request request, StatementExecutor executor, java.sql.Statement control, long version, Instant at)
      throws SQLException, TransactionLostException {
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
    rollbackRequest(control, request.id(), reply.error());
    return answered(request, reply);
  }

  private AppliedRequest answered(Request request, Reply reply) {
    return new AppliedRequest(request, reply, codec.encodeReply(reply));
  }

  /** Rolls back the request's savepoint; throws when SQLite already rolled back everything. */
  private static void rollbackRequest(java.sql.Statement control, String requestId, ReplyError error)
      throws SQLException, TransactionLostException {
    try {
      control.execute("ROLLBACK TO sqlq_request");
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such savepoint")) {
        throw new TransactionLostException(requestId, error);
      }
      throw e;
    }
    control.execute("RELEASE sqlq_request");
  }

  private static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Back to auto-commit; a failure here is thrown only when nothing else is being thrown. */
  private static void restoreAutoCommit(Connection connection, Exception failure) throws SQLException {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  /** SQLite rolled back the whole transaction while running request {@code requestId}. */
  private static final class TransactionLostException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String requestId;
    private final transient ReplyError error;

    TransactionLostException(String requestId, ReplyError error) {
      super(null, null, false, false);
      this.requestId = requestId;
      this.error = error;
    }
  }
}
