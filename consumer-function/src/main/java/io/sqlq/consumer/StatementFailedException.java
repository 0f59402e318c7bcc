package io.sqlq.consumer;

import io.sqlq.core.protocol.ReplyError;

/**
 * A statement failed in a way that is the request's own fault (a SQL error, a refused
 * construct, a bad parameter): its request gets an ERROR reply and the batch goes on.
 */
final class StatementFailedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient ReplyError error;

  StatementFailedException(ReplyError error) {
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  ReplyError error() {
    return error;
  }
}
