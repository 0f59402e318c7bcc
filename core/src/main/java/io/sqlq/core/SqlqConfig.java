package io.sqlq.core;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything sqlq needs to know about its stack, read from the environment in one place
 * ({@link #fromEnvironment}).
 *
 * @param region AWS region ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION})
 * @param endpoint an AWS API endpoint override such as a local emulator
 *     ({@code AWS_ENDPOINT_URL}), or null for AWS itself
 * @param bucket the S3 bucket holding the databases ({@code SQLQ_BUCKET})
 * @param keyPrefix prefix of every key sqlq writes, empty or ending in {@code /}
 *     ({@code SQLQ_PREFIX}, default empty)
 * @param requestQueueUrl the FIFO request queue ({@code SQLQ_REQUEST_QUEUE_URL})
 * @param replyQueueUrl the default reply queue ({@code SQLQ_REPLY_QUEUE_URL})
 * @param deadLetterQueueUrl the FIFO dead-letter queue ({@code SQLQ_DEAD_LETTER_QUEUE_URL})
 * @param lockVpcId the VPC whose Security Groups are the locks ({@code SQLQ_LOCK_VPC_ID})
 * @param lease how long a lock is held before the reaper may break it
 *     ({@code SQLQ_LEASE_MS}, default 300,000 ms)
 * @param lockWaitBudget how long a batch waits for a held lock before its records are failed
 *     for redelivery ({@code SQLQ_LOCK_WAIT_MS}, default 20,000 ms)
 * @param appliedRetention how long a row of {@code _sqlq_applied} (a request's stored reply,
 *     its dedup record) is kept before it may be pruned ({@code SQLQ_APPLIED_RETENTION_MS},
 *     default {@link #DEFAULT_APPLIED_RETENTION}); must cover the longest time a message can
 *     still be delivered or replayed
 */
public record SqlqConfig(
    String region,
    URI endpoint,
    String bucket,
    String keyPrefix,
    String requestQueueUrl,
    String replyQueueUrl,
    String deadLetterQueueUrl,
    String lockVpcId,
    Duration lease,
    Duration lockWaitBudget,
    Duration appliedRetention) {

  /** Default lease: 300,000 ms. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
  /** Default lock wait budget: 20,000 ms. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(20);
  /**
   * Default retention of {@code _sqlq_applied} rows: 29 days (2,505,600,000 ms). A message lives
   * at most 14 days in the request queue (the SQS maximum MessageRetentionPeriod, 1,209,600 s),
   * and a FIFO queue's message moved to its dead-letter queue starts a new retention period
   * there ("For FIFO queues, the enqueue timestamp resets when the message is moved to a
   * dead-letter queue": Amazon SQS Developer Guide, "Setting-up dead-letter queue retention"),
   * up to 14 more days; plus one day of margin for the replay itself.
   */
  public static final Duration DEFAULT_APPLIED_RETENTION = Duration.ofDays(14 + 14 + 1);

  public SqlqConfig {
    keyPrefix = keyPrefix == null ? "" : keyPrefix;
    if (!keyPrefix.isEmpty() && !keyPrefix.endsWith("/")) {
      throw new ConfigurationException("SQLQ_PREFIX must be empty or end in '/': '" + keyPrefix + "'");
    }
    lease = lease == null ? DEFAULT_LEASE : lease;
    lockWaitBudget = lockWaitBudget == null ? DEFAULT_LOCK_WAIT : lockWaitBudget;
    appliedRetention = appliedRetention == null ? DEFAULT_APPLIED_RETENTION : appliedRetention;
    if (lease.isNegative() || lease.isZero() || lockWaitBudget.isNegative()) {
      throw new ConfigurationException("lease must be positive and lock wait budget not negative: lease "
          + lease.toMillis() + " ms, wait " + lockWaitBudget.toMillis() + " ms");
    }
    if (appliedRetention.isNegative() || appliedRetention.isZero()) {
      throw new ConfigurationException("SQLQ_APPLIED_RETENTION_MS must be positive: " + appliedRetention.toMillis()
          + " ms");
    }
  }

  /** A configuration with the default retention of {@code _sqlq_applied} rows. */
  public SqlqConfig(String region, URI endpoint, String bucket, String keyPrefix, String requestQueueUrl,
      String replyQueueUrl, String deadLetterQueueUrl, String lockVpcId, Duration lease, Duration lockWaitBudget) {
    this(region, endpoint, bucket, keyPrefix, requestQueueUrl, replyQueueUrl, deadLetterQueueUrl, lockVpcId, lease,
        lockWaitBudget, null);
  }

  /**
   * Reads the configuration from environment variables (see the record components).
   *
   * @param env the environment, usually {@code System.getenv()}
   * @throws ConfigurationException naming every missing or invalid variable
   */
  public static SqlqConfig fromEnvironment(Map<String, String> env) {
    List<String> missing = new ArrayList<>();
    String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
    if (region == null) {
      missing.add("AWS_REGION");
    }
    String bucket = required(env, "SQLQ_BUCKET", missing);
    String requestQueue = required(env, "SQLQ_REQUEST_QUEUE_URL", missing);
    String replyQueue = required(env, "SQLQ_REPLY_QUEUE_URL", missing);
    String deadLetterQueue = required(env, "SQLQ_DEAD_LETTER_QUEUE_URL", missing);
    String lockVpc = required(env, "SQLQ_LOCK_VPC_ID", missing);
    if (!missing.isEmpty()) {
      throw new ConfigurationException("missing environment variables: " + String.join(", ", missing)
          + " (`sqlq local up` prints them for a local stack)");
    }
    String endpoint = env.get("AWS_ENDPOINT_URL");
    return new SqlqConfig(region, endpoint == null || endpoint.isBlank() ? null : uri(endpoint), bucket,
        env.get("SQLQ_PREFIX"), requestQueue, replyQueue, deadLetterQueue, lockVpc,
        millis(env, "SQLQ_LEASE_MS"), millis(env, "SQLQ_LOCK_WAIT_MS"), millis(env, "SQLQ_APPLIED_RETENTION_MS"));
  }

  /** The S3 key of database {@code db}: {@code <prefix>db/<db>.sqlite}. */
  public String databaseKey(String db) {
    return keyPrefix + "db/" + DatabaseName.validate(db) + ".sqlite";
  }

  private static String first(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static String required(Map<String, String> env, String name, List<String> missing) {
    String value = first(env, name);
    if (value == null) {
      missing.add(name);
    }
    return value;
  }

  private static URI uri(String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("AWS_ENDPOINT_URL is not a URL: '" + value + "'");
    }
  }

  private static Duration millis(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Duration.ofMillis(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + " must be a whole number of milliseconds: '" + value + "'");
    }
  }
}
