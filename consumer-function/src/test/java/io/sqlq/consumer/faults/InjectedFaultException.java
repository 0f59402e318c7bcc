package io.sqlq.consumer.faults;

import io.sqlq.core.SqlqException;

/**
 * A crash injected by {@link Faults} at {@link #point()}. Retryable: it stands for a consumer
 * that died mid-batch, whose records SQS redelivers.
 */
public final class InjectedFaultException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final FaultPoint point;
  private final int ordinal;

  /** @param ordinal how many faults {@code point} has fired, this one included */
  public InjectedFaultException(FaultPoint point, int ordinal) {
    super("injected fault #" + ordinal + " at " + point);
    this.point = point;
    this.ordinal = ordinal;
  }

  public FaultPoint point() {
    return point;
  }

  /** How many faults the point has fired, this one included. */
  public int ordinal() {
    return ordinal;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
