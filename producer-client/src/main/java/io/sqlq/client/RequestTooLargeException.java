package io.sqlq.client;

import io.sqlq.core.SqlqException;

/**
 * A single request whose encoded size, alone in a bundle, exceeds the client's
 * {@code maxBundleBytes}, or, when the client sends payloads through S3
 * ({@link SqlqClient.Builder#payloads}), {@link io.sqlq.core.protocol.MessageLimits#MAX_PAYLOAD_BYTES}
 * (64 MiB). Detected at submit time; nothing was sent. Never retryable: the same
 * request is always the same size. Split the statements, or move large values elsewhere.
 */
public final class RequestTooLargeException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String requestId;
  private final String database;
  private final int bytes;
  private final int maxBytes;

  RequestTooLargeException(String requestId, String database, int bytes, int maxBytes) {
    super("request " + requestId + " on database '" + database + "' encodes to " + bytes
        + " bytes in a bundle, above the limit of " + maxBytes + " bytes; nothing was sent");
    this.requestId = requestId;
    this.database = database;
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }

  /** The id the request would have had. */
  public String requestId() {
    return requestId;
  }

  /** The database the request was meant for. */
  public String database() {
    return database;
  }

  /** Size of the message body that would carry this request alone, in UTF-8 bytes. */
  public int bytes() {
    return bytes;
  }

  /** The limit it broke, in bytes: the client's {@code maxBundleBytes}, or 64 MiB with payloads. */
  public int maxBytes() {
    return maxBytes;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
