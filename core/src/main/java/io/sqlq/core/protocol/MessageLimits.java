package io.sqlq.core.protocol;

/**
 * Size limits of SQS messages that sqlq builds, and the limits on what one message may ask.
 *
 * <p>Where a limit is broken decides what happens: a message that breaks a message-wide limit
 * ({@link #SQS_MAX_MESSAGE_BYTES}, {@link #MAX_REQUESTS_PER_BUNDLE}) does not decode and goes to
 * the dead-letter queue with the reason; a request that breaks a per-request limit
 * ({@link #MAX_STATEMENTS_PER_REQUEST}, {@link #MAX_PARAMETERS_PER_STATEMENT},
 * {@link #MAX_SQL_BYTES}) is answered with an ERROR reply naming the limit, and the other
 * requests of its bundle are applied as usual.
 *
 * <p>Source: Amazon SQS Developer Guide, "Amazon SQS message quotas": a message, body and
 * attributes together, may be up to 1,048,576 bytes (1 MiB; raised from 256 KiB in August
 * 2025), and a SendMessageBatch request's messages together may be at most the same.
 */
public final class MessageLimits {
  /** Largest SQS message, body plus attributes, in bytes: 1,048,576. */
  public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

  /**
   * Bytes kept free in every message sqlq builds for message attributes (request id,
   * error reason) and their names and types: 8,192.
   */
  public static final int ATTRIBUTE_HEADROOM_BYTES = 8_192;

  /** Largest body sqlq puts in one message, in bytes: 1,040,384. */
  public static final int MAX_BODY_BYTES = SQS_MAX_MESSAGE_BYTES - ATTRIBUTE_HEADROOM_BYTES;

  /**
   * Largest message body sqlq accepts through S3, in UTF-8 bytes: 64 MiB (67,108,864). A body
   * over one message ({@link #MAX_BODY_BYTES}) is offloaded to a payload object and the message
   * carries a pointer to it (the SQS extended client's format, which allows up to 2 GB); sqlq
   * bounds it lower because the consumer holds a body in memory as text and as decoded JSON,
   * several times its size, beside the database. A larger payload fails at submit or, sent by
   * another tool, is dead-lettered.
   */
  public static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

  /**
   * Most requests in one bundle: 10,000. The SDK seals a bundle at its {@code maxBundleRequests}
   * (default 1,000, at most this). A hand-made bundle above it is dead-lettered.
   */
  public static final int MAX_REQUESTS_PER_BUNDLE = 10_000;

  /** Most statements in one request (one transaction): 1,000. */
  public static final int MAX_STATEMENTS_PER_REQUEST = 1_000;

  /**
   * Most bound values of one statement: 32,766, SQLite's default SQLITE_MAX_VARIABLE_NUMBER
   * since 3.32.0 (sqlite.org/limits.html, "Maximum Number Of Host Parameters In A Single SQL
   * Statement"). sqlite-jdbc is built with 250,000; the consumer lowers its connections to this.
   */
  public static final int MAX_PARAMETERS_PER_STATEMENT = 32_766;

  /**
   * Longest SQL text of one statement, in UTF-8 bytes: {@link #MAX_BODY_BYTES}, since a
   * statement travels in one message body. The consumer also sets SQLITE_LIMIT_SQL_LENGTH to it.
   */
  public static final int MAX_SQL_BYTES = MAX_BODY_BYTES;

  private MessageLimits() {}
}
