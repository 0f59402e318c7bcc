package io.sqlq.core.sql;

import io.sqlq.core.SqlqException;

/**
 * Named parameters and their values that do not match: a parameter in the SQL has no
 * value, a value names no parameter in the SQL, or the SQL mixes named and positional
 * ({@code ?}) parameters. Never retryable.
 */
public final class BadParameterException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String parameter;

  /**
   * Creates the exception.
   *
   * @param parameter the parameter at fault: as written in the SQL ({@code :a}, {@code ?2}),
   *     or a value's key for a value the SQL does not use
   * @param message what is wrong, naming the parameter
   */
  public BadParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The parameter at fault, as written in the SQL, or the unused value's key. */
  public String parameter() {
    return parameter;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
