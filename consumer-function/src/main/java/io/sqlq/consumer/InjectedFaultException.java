package io.sqlq.consumer;

import io.sqlq.core.SqlqException;

/**
 * A crash injected by {@link Faults} at {@link #point()}. Retryable: it stands for a consumer
 * that died mid-batch, whose records SQS redelivers.
 */
public final class InjectedFaultException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final FaultPoint point;
  private final int call;

  public InjectedFaultException(FaultPoint point, int call) {
    super("injected fault at " + point + " (call " + call + ")");
    this.point = point;
    this.call = call;
  }

  public FaultPoint point() {
    return point;
  }

  /** Which call of the point (1-based) was failed. */
  public int call() {
    return call;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
