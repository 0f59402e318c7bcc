package io.sqlq.consumer;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.StatementResult;
import io.sqlq.core.sqlite.StatementBudget;
import io.sqlq.core.sqlite.StatementExecutor;
import io.sqlq.core.sqlite.StatementFailedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Step 4 of the batch (DESIGN.md, "Consumer: one batch"): applies a database's requests, in
 * order, in one SQLite transaction. Pure: it touches nothing but the connection it is given.
 *
 * <p>For each request, the exactly-once state decides (DESIGN.md, "Exactly-once state";
 * {@link SqlqTables}, {@link ProducerState}): a request of the last published batch is answered
 * with its stored reply; a request applied before that is answered
 * {@link ReplyError#ALREADY_APPLIED}; any other runs inside {@code SAVEPOINT sqlq_request}, and any
 * statement's error rolls back that savepoint only and becomes an ERROR reply. In the same
 * transaction the state records the requests that ran, keeps the batch's replies, and drops
 * state older than the retention (request records and producers, at most {@link #pruneLimit} of
 * each), and the database version is bumped by one. A batch in which no request wrote
 * ({@link WriteCheck}) and none failed is rolled back instead: it records nothing, keeps the
 * version, and {@link AppliedBatch#changed()} tells the caller not to publish. The caller
 * publishes the file only after {@link #apply} returns, so the effect of a request and its
 * record are published together or not at all.
 *
 * <p>Before a request runs, its {@link Settings} apply: a request naming a reply queue outside the
 * stack is not applied and is answered {@link ReplyError#REPLY_QUEUE_REFUSED} on the default reply
 * queue, a request over a per-request limit is answered by {@link RequestScreen}, and each
 * statement runs under the statement budget.
 */
public final class BatchApplier {
  /**
   * What the consumer applies requests with; {@link #of(SqlqConfig)} reads it from the stack's
   * configuration, as the consumer does.
   *
   * @param statementBudget how long one statement may run before it is interrupted and its
   *     request answered {@link ReplyError#STATEMENT_TIMEOUT}
   * @param replyQueues the reply queues requests may name; a request naming another is not
   *     applied and is answered {@link ReplyError#REPLY_QUEUE_REFUSED} on the default one
   * @param appliedRetention how long the exactly-once state of a request, a producer or a
   *     skipped range is kept before it may be pruned (see {@link SqlqConfig#appliedRetention()})
   * @param maxReplyBytes the largest encoded reply, in bytes; a request whose reply would be
   *     larger is rolled back and answered {@link ReplyError#REPLY_TOO_LARGE}
   */
  public record Settings(Duration statementBudget, ReplyQueues replyQueues, Duration appliedRetention,
      int maxReplyBytes) {
    public Settings {
      Objects.requireNonNull(replyQueues, "replyQueues");
      new StatementBudget(statementBudget);
      if (appliedRetention.isNegative() || appliedRetention.isZero() || maxReplyBytes < 1) {
        throw new IllegalArgumentException("the retention and the reply size must be positive: "
            + appliedRetention.toMillis() + " ms, " + maxReplyBytes + " bytes");
      }
    }

    /**
     * The consumer's settings: {@code config}'s statement timeout, reply queues and retention,
     * and replies that fit their reply bundle ({@link MessageSizes#REPLY_BUNDLE_OVERHEAD_BYTES})
     * in one SQS message ({@link MessageLimits#MAX_BODY_BYTES}), or, when {@code offloading}
     * (replies over one message go through S3), in {@link MessageLimits#MAX_PAYLOAD_BYTES}.
     */
    public static Settings of(SqlqConfig config, boolean offloading) {
      int maxBody = offloading ? MessageLimits.MAX_PAYLOAD_BYTES : MessageLimits.MAX_BODY_BYTES;
      return new Settings(config.statementTimeout(), new ReplyQueues(config.replyQueueUrl()),
          config.appliedRetention(), maxBody - MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES);
    }
  }

  private final ReplyCodec codec = new ReplyCodec();
  private final Clock clock;
  private final int maxReplyBytes;
  private final Duration appliedRetention;
  private final StatementBudget budget;
  private final ReplyQueues replyQueues;
  private final BatchListener listener;

  /**
   * @param clock the time of {@code appliedAt} and of the retention
   * @param listener hears each applied request ({@link BatchListener#requestApplied})
   */
  public BatchApplier(Settings settings, Clock clock, BatchListener listener) {
    this.clock = clock;
    this.maxReplyBytes = settings.maxReplyBytes();
    this.appliedRetention = settings.appliedRetention();
    this.budget = new StatementBudget(settings.statementBudget());
    this.replyQueues = settings.replyQueues();
    this.listener = listener;
  }

  /**
   * Most request records (and most producers) one batch of {@code requests} requests prunes:
   * twice the requests it adds, at least 1,000, so old rows go faster than new ones come.
   */
  static int pruneLimit(int requests) {
    return Math.max(1_000, 2 * requests);
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
        WriteCheck writes = new WriteCheck(connection);
        StatementExecutor executor = new StatementExecutor(connection, budget, maxReplyBytes);
        Savepoint control = new Savepoint(connection)) {
      long before = tables.version();
      long version = before + 1;
      Instant at = clock.instant();
      long now = at.toEpochMilli();
      boolean changed = tables.migrated();
      // The batch's ids in the last batch's replies, and those without a producer id in the
      // request records, read in a few queries rather than one per request.
      Map<String, String> lastReplies = tables.lastReplies(requests.stream().map(Request::id).toList());
      Map<String, SqlqTables.RequestRecord> records = tables.requestRecords(
          requests.stream().filter(r -> r.sequence() == null).map(Request::id).toList());
      Map<String, ProducerState> producers = new LinkedHashMap<>();
      // This batch's replies by id, "" for a read-only request: answers an id twice in the batch
      // from the first, and becomes the last batch's replies.
      Map<String, String> replies = new LinkedHashMap<>();
      List<AppliedRequest> applied = new ArrayList<>(requests.size());
      Set<AppliedRequest> ran = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Request asked : requests) {
        boolean replyQueueAllowed = replyQueues.allows(asked.replyTo());
        Request request = replyQueueAllowed ? asked : answeredOnDefaultQueue(asked);
        String earlier = replies.containsKey(request.id()) ? replies.get(request.id()) : lastReplies.get(request.id());
        ProducerState producer = producerOf(request, tables, producers);
        AppliedRequest answered = earlier != null ? storedAnswer(request, earlier)
            : alreadyApplied(request, producer, records.get(request.id()), at);
        if (answered != null) {
          replies.put(request.id(), answered.encodedReply());
          applied.add(answered);
          continue;
        }
        long changesBefore = writes.totalChanges();
        ReplyError refused = replyQueueAllowed ? refusal(request, lost) : replyQueueRefused(asked);
        AppliedRequest outcome = refused != null
            ? answered(request, Reply.error(request, refused, version, at))
            : applyOne(request, executor, control, version, at);
        boolean recorded = !outcome.reply().ok() || writes.wrote(request, changesBefore);
        changed |= recorded;
        if (producer != null) {
          producer.applied(request.sequence().number(), version, now);
        } else if (recorded) {
          SqlqTables.RequestRecord record = new SqlqTables.RequestRecord(version, outcome(outcome.reply()), now);
          tables.recordRequest(request.id(), record);
          records.put(request.id(), record);
        }
        replies.put(request.id(), recorded ? outcome.encodedReply() : "");
        applied.add(outcome);
        ran.add(outcome);
        listener.requestApplied(db, outcome);
      }
      if (!changed) {
        connection.rollback();
        return new AppliedBatch(before, applied.stream().map(a -> ran.contains(a) ? atVersion(a, before) : a).toList(),
            false);
      }
      for (ProducerState producer : producers.values()) {
        tables.saveProducer(producer);
      }
      tables.replaceLastReplies(replies);
      tables.prune(at.minus(appliedRetention).toEpochMilli(), pruneLimit(requests.size()));
      tables.setVersion(version);
      connection.commit();
      return new AppliedBatch(version, applied, true);
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

  /** The state of {@code request}'s producer, read once per batch into {@code producers}; null without one. */
  private static ProducerState producerOf(Request request, SqlqTables tables, Map<String, ProducerState> producers)
      throws SQLException {
    if (request.sequence() == null) {
      return null;
    }
    ProducerState producer = producers.get(request.sequence().producer());
    if (producer == null) {
      producer = tables.producer(request.sequence().producer());
      producers.put(producer.producer(), producer);
    }
    return producer;
  }

  /**
   * The answer to a request of this batch or of the last one, {@code earlier} its stored reply;
   * null for a read-only one ({@code earlier} empty), which runs again.
   */
  private AppliedRequest storedAnswer(Request request, String earlier) {
    return earlier.isEmpty() ? null : new AppliedRequest(request, codec.decodeReplies(earlier).get(0), earlier);
  }

  /**
   * The {@link ReplyError#ALREADY_APPLIED} answer to a request applied in an earlier batch, or
   * null when it was not: for a request with a sequence, its producer's verdict decides; for
   * one without, {@code record}.
   */
  private AppliedRequest alreadyApplied(Request request, ProducerState producer, SqlqTables.RequestRecord record,
      Instant at) {
    if (producer != null) {
      if (producer.verdict(request.sequence().number()) != ProducerState.Verdict.DUPLICATE) {
        return null;
      }
      return answered(request, Reply.error(request, new ReplyError(ReplyError.ALREADY_APPLIED, "request "
          + request.id() + " (producer " + request.sequence().producer() + ", sequence " + request.sequence().number()
          + ") was applied at or before version " + producer.version() + "; it was not applied again", null),
          producer.version(), Instant.ofEpochMilli(producer.appliedAtMs())));
    }
    if (record == null) {
      return null;
    }
    return answered(request, Reply.error(request, new ReplyError(ReplyError.ALREADY_APPLIED, "request "
        + request.id() + " was applied at version " + record.version() + " with outcome " + record.outcome()
        + "; it was not applied again", null), record.version(), Instant.ofEpochMilli(record.appliedAtMs())));
  }

  /** What a request record keeps of {@code reply}: {@link SqlqTables#OK} or its error code. */
  private static String outcome(Reply reply) {
    return reply.ok() ? SqlqTables.OK : reply.error().code();
  }

  /** {@code applied} as answered by a batch that published nothing: at the version it read. */
  private AppliedRequest atVersion(AppliedRequest applied, long version) {
    Reply r = applied.reply();
    return answered(applied.request(),
        new Reply(r.id(), r.db(), r.status(), r.results(), r.error(), version, r.appliedAt()));
  }

  /** {@code asked} as it is answered when it named a reply queue outside the stack: on the default one. */
  private Request answeredOnDefaultQueue(Request asked) {
    return new Request(asked.id(), asked.db(), asked.statements(), replyQueues.defaultReplyTo(), asked.sequence());
  }

  private ReplyError replyQueueRefused(Request asked) {
    return new ReplyError(ReplyError.REPLY_QUEUE_REFUSED, "replyTo " + asked.replyTo()
        + " is not one of this stack's reply queues (" + replyQueues.defaultReplyTo()
        + " or a queue beside it named after it with '-'); the request was not applied", null);
  }

  /** Why a request with an allowed reply queue is answered without running, or null when it runs. */
  private static ReplyError refusal(Request request, Map<String, ReplyError> lost) {
    return RequestScreen.refusal(request).orElse(lost.get(request.id()));
  }

  private AppliedRequest applyOne(
      Request request, StatementExecutor executor, Savepoint control, long version, Instant at)
      throws SQLException, TransactionLostException {
    control.begin();
    Reply reply;
    try {
      List<StatementResult> results = new ArrayList<>(request.statements().size());
      for (int i = 0; i < request.statements().size(); i++) {
        results.add(executor.execute(request.statements().get(i), i));
      }
      reply = Reply.ok(request, results, version, at);
      String encoded = codec.encodeReply(reply);
      if (MessageSizes.utf8Length(encoded) <= maxReplyBytes) {
        control.release();
        return new AppliedRequest(request, reply, encoded);
      }
      reply = Reply.error(request, new ReplyError(ReplyError.REPLY_TOO_LARGE, "the reply would take "
          + MessageSizes.utf8Length(encoded) + " bytes, more than the " + maxReplyBytes
          + " bytes a reply may take; select fewer rows or columns", null), version, at);
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
  private static void rollbackRequest(Savepoint control, String requestId, ReplyError error)
      throws SQLException, TransactionLostException {
    try {
      control.rollback();
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such savepoint")) {
        throw new TransactionLostException(requestId, error);
      }
      throw e;
    }
    control.release();
  }

  /**
   * The savepoint {@code sqlq_request} of each request, its three statements prepared once per
   * batch rather than parsed again twice per request.
   */
  private static final class Savepoint implements AutoCloseable {
    private final PreparedStatement begin;
    private final PreparedStatement release;
    private final PreparedStatement rollback;

    Savepoint(Connection connection) throws SQLException {
      begin = connection.prepareStatement("SAVEPOINT sqlq_request");
      release = connection.prepareStatement("RELEASE sqlq_request");
      rollback = connection.prepareStatement("ROLLBACK TO sqlq_request");
    }

    void begin() throws SQLException {
      begin.execute();
    }

    void release() throws SQLException {
      release.execute();
    }

    void rollback() throws SQLException {
      rollback.execute();
    }

    @Override
    public void close() throws SQLException {
      begin.close();
      release.close();
      rollback.close();
    }
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
