package io.sqlq.core.protocol;

/**
 * Size limits of SQS messages that sqlq builds.
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

  private MessageLimits() {}
}
