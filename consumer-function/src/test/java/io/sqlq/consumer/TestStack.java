package io.sqlq.consumer;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A stack that exists only in tests with in-memory ports: its queue URLs are never called (the
 * tests' SQS clients record what is sent to them). Consumers are built from it with
 * {@link ConsumerHandler#builder}, as Lambda builds them from the real one.
 */
public final class TestStack {
  /** The default reply queue. */
  public static final String REPLIES = "http://sqs.local/000000000000/sqlq-replies";
  /** The dead-letter queue. */
  public static final String DEAD_LETTERS = "http://sqs.local/000000000000/sqlq-dead-letter.fifo";

  private TestStack() {}

  /**
   * The test stack with a lock wait budget of {@code lockWait}, the statement timeout
   * {@code statementTimeout} (null: the default) and every other setting at its default.
   */
  public static SqlqConfig config(Duration lockWait, Duration statementTimeout) {
    return new SqlqConfig("us-east-1", null, "sqlq-databases", "", "http://sqs.local/000000000000/sqlq-requests.fifo",
        REPLIES, DEAD_LETTERS, "vpc-test", null, lockWait, null, statementTimeout);
  }

  /** Applier settings of the test stack with {@code statementBudget}, the default retention and a one-message reply limit. */
  public static BatchApplier.Settings settings(Duration statementBudget) {
    return new BatchApplier.Settings(statementBudget, new ReplyQueues(REPLIES), SqlqConfig.DEFAULT_APPLIED_RETENTION,
        MessageLimits.MAX_BODY_BYTES - MessageSizes.REPLY_BUNDLE_OVERHEAD_BYTES);
  }

  /** Step 4 as the consumer runs it on the test stack: {@code requests} through a {@link BatchApplier}. */
  public static DatabaseBatch.ApplyStep applying(List<Request> requests, Clock clock) {
    BatchApplier applier = new BatchApplier(settings(SqlqConfig.DEFAULT_STATEMENT_TIMEOUT), clock, BatchListener.NONE);
    return connection -> applier.apply(connection, requests);
  }
}
