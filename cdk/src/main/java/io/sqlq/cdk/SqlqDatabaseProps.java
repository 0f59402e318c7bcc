package io.sqlq.cdk;

import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * The settings of one {@link SqlqDatabase}, built with {@link #builder()}; every value is checked
 * when {@link Builder#build()} runs, and a bad one fails there with the value in the message.
 *
 * @param namePrefix prefix of the queue names ({@code <p>-requests.fifo}, {@code <p>-dead-letter.fifo},
 *     {@code <p>-replies}; clients' own reply queues are {@code <p>-replies-<12 hex>}, which is what the
 *     consumer may send to): lowercase letters, digits and {@code -}, starting with a letter, at most
 *     40 characters (the rule of {@code StackProvisioner}, so a local stack and a deployed one share
 *     names). Default {@code sqlq}.
 * @param keyPrefix prefix of every S3 key ({@code SQLQ_PREFIX}): empty or ending in {@code /}. Default empty.
 * @param consumerCode the consumer function's code, normally {@code consumer-function/target/sqlq-consumer.jar}
 * @param reaperCode the reaper function's code, normally {@code reaper-function/target/sqlq-reaper.jar}
 * @param consumerTimeout the consumer function's timeout; also its lock lease ({@code SQLQ_LEASE_MS}),
 *     since no batch holds a lock longer than its invocation. Default 60 s; Lambda allows 1 to 900 s.
 * @param visibilityTimeout the request queue's visibility timeout: at least six times
 *     {@code consumerTimeout} ("set the source queue's visibility timeout to at least six times the
 *     timeout that you configure on your function", AWS Lambda Developer Guide, "Using Lambda with
 *     Amazon SQS"), at most 43,200 s (SQS). Default six times {@code consumerTimeout}.
 * @param ephemeralStorage the consumer's {@code /tmp}, where working copies of the databases live
 *     (a database needs about twice its size: its working copy, and the store's copy of the
 *     version published last or the copy being fetched). Default 2 GiB; Lambda allows 512 MiB to
 *     10,240 MiB.
 * @param consumerMemoryMb the consumer's memory in MB (128 to 10,240; CPU grows with it). Default 1,024.
 * @param snapStart SnapStart on the consumer's published versions. Lambda refuses SnapStart with more
 *     than 512 MiB of ephemeral storage (AWS Lambda Developer Guide, "Improving startup performance
 *     with Lambda SnapStart": SnapStart does not support ephemeral storage larger than 512 MB), so
 *     turning it on needs {@code ephemeralStorage} of at most 512 MiB. Default off.
 * @param maxReceiveCount receives of a request before SQS moves it to the dead-letter queue (1 to
 *     1,000, SQS RedrivePolicy). Default 5, as {@code StackProvisioner}.
 * @param noncurrentVersionDays days an overwritten database version is kept before S3 expires it
 *     (at least 1). Default 30.
 * @param highThroughputFifo the request queue's high-throughput FIFO mode (deduplication and
 *     throughput per message group). Default off.
 * @param kmsEncryption a customer managed KMS key (rotated yearly) for the bucket and the queues
 *     instead of S3-managed and SQS-managed keys; costs 1 USD a month plus requests. Default off.
 * @param logRetention how long both functions' logs are kept. Default one month.
 */
public record SqlqDatabaseProps(
    String namePrefix,
    String keyPrefix,
    Code consumerCode,
    Code reaperCode,
    Duration consumerTimeout,
    Duration visibilityTimeout,
    Size ephemeralStorage,
    int consumerMemoryMb,
    boolean snapStart,
    int maxReceiveCount,
    int noncurrentVersionDays,
    boolean highThroughputFifo,
    boolean kmsEncryption,
    RetentionDays logRetention) {

  /** The Lambda guidance: visibility timeout at least six times the function timeout. */
  public static final int VISIBILITY_TIMEOUT_FACTOR = 6;
  /** The largest ephemeral storage Lambda allows with SnapStart: 512 MiB. */
  public static final int SNAPSTART_MAX_EPHEMERAL_MIB = 512;

  private static final Pattern NAME_PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  private static final long MAX_VISIBILITY_SECONDS = 43_200;
  private static final long MAX_FUNCTION_TIMEOUT_SECONDS = 900;

  /**
   * @throws IllegalArgumentException naming the value, when a setting is out of range or the
   *     settings contradict each other (SnapStart with more than 512 MiB, a visibility timeout
   *     under six function timeouts)
   * @throws NullPointerException when a code is missing
   */
  public SqlqDatabaseProps {
    Objects.requireNonNull(consumerCode, "consumerCode");
    Objects.requireNonNull(reaperCode, "reaperCode");
    require(NAME_PREFIX.matcher(namePrefix).matches(),
        "namePrefix must be lowercase letters, digits and '-', starting with a letter, at most 40: '" + namePrefix + "'");
    require(keyPrefix.isEmpty() || keyPrefix.endsWith("/"), "keyPrefix must be empty or end in '/': '" + keyPrefix + "'");
    long timeout = consumerTimeout.toSeconds().longValue();
    require(timeout >= 1 && timeout <= MAX_FUNCTION_TIMEOUT_SECONDS,
        "consumerTimeout must be 1 to 900 s: " + timeout + " s");
    long visibility = visibilityTimeout.toSeconds().longValue();
    require(visibility >= VISIBILITY_TIMEOUT_FACTOR * timeout && visibility <= MAX_VISIBILITY_SECONDS,
        "visibilityTimeout must be at least six times consumerTimeout (" + VISIBILITY_TIMEOUT_FACTOR * timeout
            + " s) and at most 43,200 s: " + visibility + " s");
    long ephemeralMib = ephemeralStorage.toMebibytes().longValue();
    require(ephemeralMib >= 512 && ephemeralMib <= 10_240, "ephemeralStorage must be 512 to 10,240 MiB: " + ephemeralMib);
    require(!snapStart || ephemeralMib <= SNAPSTART_MAX_EPHEMERAL_MIB,
        "SnapStart needs ephemeralStorage of at most 512 MiB (Lambda refuses more): " + ephemeralMib + " MiB");
    require(consumerMemoryMb >= 128 && consumerMemoryMb <= 10_240, "consumerMemoryMb must be 128 to 10,240: " + consumerMemoryMb);
    require(maxReceiveCount >= 1 && maxReceiveCount <= 1_000, "maxReceiveCount must be 1 to 1,000: " + maxReceiveCount);
    require(noncurrentVersionDays >= 1, "noncurrentVersionDays must be at least 1: " + noncurrentVersionDays);
    Objects.requireNonNull(logRetention, "logRetention");
  }

  /** A builder with every default above; only the two codes must be given. */
  public static Builder builder() {
    return new Builder();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Builds {@link SqlqDatabaseProps}; each setter documents its record component. */
  public static final class Builder {
    private String namePrefix = "sqlq";
    private String keyPrefix = "";
    private Code consumerCode;
    private Code reaperCode;
    private Duration consumerTimeout = Duration.seconds(60);
    private Duration visibilityTimeout;
    private Size ephemeralStorage = Size.gibibytes(2);
    private int consumerMemoryMb = 1_024;
    private boolean snapStart;
    private int maxReceiveCount = 5;
    private int noncurrentVersionDays = 30;
    private boolean highThroughputFifo;
    private boolean kmsEncryption;
    private RetentionDays logRetention = RetentionDays.ONE_MONTH;

    private Builder() {}

    public Builder namePrefix(String value) { namePrefix = value; return this; }
    public Builder keyPrefix(String value) { keyPrefix = value; return this; }
    public Builder consumerCode(Code value) { consumerCode = value; return this; }
    public Builder reaperCode(Code value) { reaperCode = value; return this; }
    public Builder consumerTimeout(Duration value) { consumerTimeout = value; return this; }
    public Builder visibilityTimeout(Duration value) { visibilityTimeout = value; return this; }
    public Builder ephemeralStorage(Size value) { ephemeralStorage = value; return this; }
    public Builder consumerMemoryMb(int value) { consumerMemoryMb = value; return this; }
    public Builder snapStart(boolean value) { snapStart = value; return this; }
    public Builder maxReceiveCount(int value) { maxReceiveCount = value; return this; }
    public Builder noncurrentVersionDays(int value) { noncurrentVersionDays = value; return this; }
    public Builder highThroughputFifo(boolean value) { highThroughputFifo = value; return this; }
    public Builder kmsEncryption(boolean value) { kmsEncryption = value; return this; }
    public Builder logRetention(RetentionDays value) { logRetention = value; return this; }

    /** @throws IllegalArgumentException as the record's constructor */
    public SqlqDatabaseProps build() {
      Duration visibility = visibilityTimeout != null ? visibilityTimeout
          : Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * consumerTimeout.toSeconds().longValue());
      return new SqlqDatabaseProps(namePrefix, keyPrefix, consumerCode, reaperCode, consumerTimeout, visibility,
          ephemeralStorage, consumerMemoryMb, snapStart, maxReceiveCount, noncurrentVersionDays, highThroughputFifo,
          kmsEncryption, logRetention);
    }
  }
}
