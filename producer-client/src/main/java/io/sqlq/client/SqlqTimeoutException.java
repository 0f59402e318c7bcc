package io.sqlq.client;

import io.sqlq.core.SqlqException;
import java.time.Duration;

/**
 * No reply arrived within the client's {@code requestTimeout} (default 60 s) after the
 * request was submitted.
 *
 * <p>The request may still have been applied: the consumer may have accepted it before the
 * timeout. Its reply, if one comes later, is ignored. Not {@link #retryable()}: submitting the
 * same SQL again creates a new request with a new id, which the consumer would apply a second
 * time if the first one did take effect; check the database first, or make the statement
 * idempotent.
 */
public final class SqlqTimeoutException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String requestId;
  private final String database;
  private final Duration timeout;

  SqlqTimeoutException(String requestId, String database, Duration timeout) {
    super("no reply to request " + requestId + " on database '" + database + "' within "
        + timeout.toMillis() + " ms; the request may still have been applied");
    this.requestId = requestId;
    this.database = database;
    this.timeout = timeout;
  }

  /** The id of the request that got no reply. */
  public String requestId() {
    return requestId;
  }

  /** The database the request was sent to. */
  public String database() {
    return database;
  }

  /** The timeout that elapsed. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
