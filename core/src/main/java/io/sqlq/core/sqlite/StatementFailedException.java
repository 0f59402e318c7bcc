package io.sqlq.core.sqlite;

import io.sqlq.core.protocol.ReplyError;

/**
 * A statement failed in a way that is the request's own fault (a SQL error, a refused
 * construct, a bad parameter): its request gets an ERROR reply and the batch goes on; a
 * snapshot query throws it to its caller as a {@code QueryFailedException}.
 */
public final class StatementFailedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient ReplyError error;

  /** @param error the code, message and statement index the request is answered with */
  public StatementFailedException(ReplyError error) {
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  /** The error the request is answered with. */
  public ReplyError error() {
    return error;
  }
}
