package io.sqlq.core;

import io.sqlq.core.aws.Endpoints;
import java.time.Duration;

/**
 * Everything the consumer, the SDK and the CLI need to know about their stack, read from the
 * environment by {@link #fromEnvironment(Environment)} with the rules of {@link Environment}.
 *
 * @param region AWS region ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION})
 * @param endpoints AWS API endpoint overrides such as local emulators ({@code AWS_ENDPOINT_URL}
 *     and the per-service {@code AWS_ENDPOINT_URL_SQS}, {@code _S3}, {@code _EC2}; see
 *     {@link Endpoints}); null means {@link Endpoints#AWS}
 * @param bucket the S3 bucket holding the databases ({@code SQLQ_BUCKET})
 * @param keyPrefix prefix of every key sqlq writes, empty or ending in {@code /}
 *     ({@code SQLQ_PREFIX}, default empty)
 * @param requestQueueUrl the FIFO request queue ({@code SQLQ_REQUEST_QUEUE_URL})
 * @param replyQueueUrl the default reply queue ({@code SQLQ_REPLY_QUEUE_URL}); requests may name
 *     only it or a queue beside it ({@link io.sqlq.core.protocol.ReplyQueues})
 * @param deadLetterQueueUrl the FIFO dead-letter queue ({@code SQLQ_DEAD_LETTER_QUEUE_URL})
 * @param lockVpcId the VPC whose Security Groups are the locks ({@code SQLQ_LOCK_VPC_ID})
 * @param lease how long a lock is held before the reaper may break it; the consumer's function
 *     timeout ({@code SQLQ_LEASE_MS}, default {@link #DEFAULT_LEASE}; null means the default)
 * @param lockWaitBudget how long a batch waits for a held lock before its records are failed
 *     for redelivery ({@code SQLQ_LOCK_WAIT_MS}, default {@link #DEFAULT_LOCK_WAIT}; null means
 *     the default)
 * @param appliedRetention how long the exactly-once state of a request, a producer or a skipped
 *     range (DESIGN.md, "Exactly-once state") is kept before it may be pruned ({@code SQLQ_APPLIED_RETENTION_MS},
 *     default {@link #DEFAULT_APPLIED_RETENTION}; null means the default); must cover the
 *     longest time a message can still be delivered or replayed
 * @param statementTimeout how long one statement may run before SQLite interrupts it
 *     ({@code SQLQ_STATEMENT_TIMEOUT_MS}; null means {@link #defaultStatementTimeout}); at
 *     least 1 ms and below the lease, since a statement must not outlive the lock it runs under
 */
public record SqlqConfig(
    String region,
    Endpoints endpoints,
    String bucket,
    String keyPrefix,
    String requestQueueUrl,
    String replyQueueUrl,
    String deadLetterQueueUrl,
    String lockVpcId,
    Duration lease,
    Duration lockWaitBudget,
    Duration appliedRetention,
    Duration statementTimeout) {

  /** Default lease: 300,000 ms. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
  /** Default lock wait budget: 20,000 ms. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(20);
  /**
   * Default retention of the exactly-once state: 29 days (2,505,600,000 ms). A message lives
   * at most 14 days in the request queue (the SQS maximum MessageRetentionPeriod, 1,209,600 s),
   * and a FIFO queue's message moved to its dead-letter queue starts a new retention period
   * there ("For FIFO queues, the enqueue timestamp resets when the message is moved to a
   * dead-letter queue": Amazon SQS Developer Guide, "Setting-up dead-letter queue retention"),
   * up to 14 more days; plus one day of margin for the replay itself.
   */
  public static final Duration DEFAULT_APPLIED_RETENTION = Duration.ofDays(14 + 14 + 1);
  /** Longest default statement timeout: 10,000 ms (see {@link #defaultStatementTimeout}). */
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);

  public SqlqConfig {
    endpoints = endpoints == null ? Endpoints.AWS : endpoints;
    keyPrefix = keyPrefix == null ? "" : keyPrefix;
    if (!keyPrefix.isEmpty() && !keyPrefix.endsWith("/")) {
      throw new ConfigurationException("SQLQ_PREFIX must be empty or end in '/': '" + keyPrefix + "'");
    }
    lease = lease == null ? DEFAULT_LEASE : lease;
    lockWaitBudget = lockWaitBudget == null ? DEFAULT_LOCK_WAIT : lockWaitBudget;
    appliedRetention = appliedRetention == null ? DEFAULT_APPLIED_RETENTION : appliedRetention;
    statementTimeout = statementTimeout == null ? defaultStatementTimeout(lease) : statementTimeout;
    if (lease.isNegative() || lease.isZero() || lockWaitBudget.isNegative()) {
      throw new ConfigurationException("SQLQ_LEASE_MS must be positive and SQLQ_LOCK_WAIT_MS not negative: lease "
          + lease.toMillis() + " ms, wait " + lockWaitBudget.toMillis() + " ms");
    }
    if (appliedRetention.isNegative() || appliedRetention.isZero()) {
      throw new ConfigurationException("SQLQ_APPLIED_RETENTION_MS must be positive: " + appliedRetention.toMillis()
          + " ms");
    }
    if (statementTimeout.toMillis() < 1 || statementTimeout.compareTo(lease) >= 0) {
      throw new ConfigurationException("SQLQ_STATEMENT_TIMEOUT_MS must be at least 1 and below the lease of "
          + lease.toMillis() + " ms, not " + statementTimeout.toMillis());
    }
  }

  /**
   * The statement timeout when none is configured: {@link #DEFAULT_STATEMENT_TIMEOUT}, or a
   * quarter of {@code lease} when that is shorter (but at least 1 ms).
   */
  public static Duration defaultStatementTimeout(Duration lease) {
    Duration quarter = lease.dividedBy(4);
    if (quarter.toMillis() < 1) {
      return Duration.ofMillis(1);
    }
    return quarter.compareTo(DEFAULT_STATEMENT_TIMEOUT) < 0 ? quarter : DEFAULT_STATEMENT_TIMEOUT;
  }

  /**
   * Reads the configuration from the environment (see the record components for the variables).
   *
   * @throws ConfigurationException naming every missing variable, or the first invalid one
   *     with its value
   */
  public static SqlqConfig fromEnvironment(Environment env) {
    String region = env.region();
    String bucket = env.required("SQLQ_BUCKET");
    String requestQueue = env.required("SQLQ_REQUEST_QUEUE_URL");
    String replyQueue = env.required("SQLQ_REPLY_QUEUE_URL");
    String deadLetterQueue = env.required("SQLQ_DEAD_LETTER_QUEUE_URL");
    String lockVpc = env.required("SQLQ_LOCK_VPC_ID");
    env.checkRequired();
    return new SqlqConfig(region, env.endpoints(), bucket, env.optional("SQLQ_PREFIX"), requestQueue, replyQueue,
        deadLetterQueue, lockVpc, env.millis("SQLQ_LEASE_MS", null, 1), env.millis("SQLQ_LOCK_WAIT_MS", null, 0),
        env.millis("SQLQ_APPLIED_RETENTION_MS", null, 1), env.millis("SQLQ_STATEMENT_TIMEOUT_MS", null, 1));
  }

  /**
   * The key prefix of payload objects, bodies over one SQS message offloaded to the bucket:
   * {@code <prefix>payloads/}.
   */
  public String payloadKeyPrefix() {
    return keyPrefix + "payloads/";
  }

  /**
   * The S3 keys of database {@code db} (layout v2 under {@code <prefix>db/<db>/}, and the layout-v1
   * file {@code <prefix>db/<db>.sqlite}).
   *
   * @throws InvalidDatabaseNameException when {@code db} is not a database name
   */
  public io.sqlq.core.store.DatabaseKeys databaseKeys(String db) {
    return new io.sqlq.core.store.DatabaseKeys(keyPrefix, db);
  }
}
