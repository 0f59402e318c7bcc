package io.sqlq.client;

import io.sqlq.core.SqlqException;

/**
 * A submit waited the client's {@code maxBlock} for an in-flight slot, and none freed: the
 * client's {@code maxInFlight} requests were all still awaiting replies. Nothing was sent.
 * Retryable: the same submit may succeed once replies arrive or requests time out. Seeing it
 * often means that replies come slower than submits (the consumer is behind or down, or the
 * reply queue is not read) or that other threads keep taking the slots that free up.
 */
public final class InFlightLimitException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String database;
  private final int maxInFlight;
  private final long waitedMs;

  InFlightLimitException(String database, int maxInFlight, long waitedMs) {
    super("submit to database '" + database + "' waited " + waitedMs + " ms (maxBlock) for an in-flight slot:"
        + " all " + maxInFlight + " (maxInFlight) were taken by requests awaiting replies; nothing was sent");
    this.database = database;
    this.maxInFlight = maxInFlight;
    this.waitedMs = waitedMs;
  }

  /** The database the request was meant for. */
  public String database() {
    return database;
  }

  /** The client's {@code maxInFlight}: how many requests may await replies at once. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * How long the submit waited for a slot, in milliseconds on the client's clock: at least its
   * {@code maxBlock}, and up to 50 ms more (the slot check period).
   */
  public long waitedMs() {
    return waitedMs;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
