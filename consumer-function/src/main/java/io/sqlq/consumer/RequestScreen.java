package io.sqlq.consumer;

import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import java.util.Optional;

/**
 * The per-request limits of {@link MessageLimits}, checked before a request runs. A request
 * over a limit is not applied and gets an ERROR reply naming the limit; the other requests of
 * its bundle are applied as usual.
 */
final class RequestScreen {
  private RequestScreen() {}

  /** The error of a request that breaks a limit, or empty when it may run. */
  static Optional<ReplyError> refusal(Request request) {
    int statements = request.statements().size();
    if (statements > MessageLimits.MAX_STATEMENTS_PER_REQUEST) {
      return Optional.of(new ReplyError(ReplyError.TOO_MANY_STATEMENTS, "the request holds " + statements
          + " statements, more than " + MessageLimits.MAX_STATEMENTS_PER_REQUEST + "; split it into several requests", null));
    }
    for (int i = 0; i < statements; i++) {
      Statement statement = request.statements().get(i);
      int values = statement.params().size();
      if (values > MessageLimits.MAX_PARAMETERS_PER_STATEMENT) {
        return Optional.of(new ReplyError(ReplyError.TOO_MANY_PARAMETERS, "the statement has " + values
            + " values, more than the " + MessageLimits.MAX_PARAMETERS_PER_STATEMENT
            + " SQLite allows by default (SQLITE_MAX_VARIABLE_NUMBER)", i));
      }
      int bytes = MessageSizes.utf8Length(statement.sql());
      if (bytes > MessageLimits.MAX_SQL_BYTES) {
        return Optional.of(new ReplyError(ReplyError.SQL_TOO_LONG, "the statement's SQL is " + bytes
            + " bytes, more than " + MessageLimits.MAX_SQL_BYTES, i));
      }
    }
    return Optional.empty();
  }
}
