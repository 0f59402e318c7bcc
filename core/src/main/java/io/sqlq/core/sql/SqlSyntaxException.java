package io.sqlq.core.sql;

import io.sqlq.core.SqlqException;

/**
 * SQL text that cannot be split into statements: a string literal, quoted identifier or
 * block comment that is still open at the end of the text. Never retryable: the same
 * text fails the same way.
 */
public final class SqlSyntaxException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final int line;

  /**
   * Creates the exception; the message is {@code problem} and the line.
   *
   * @param problem what is wrong, e.g. "unterminated string literal"
   * @param line the 1-based line on which the offending construct starts
   */
  public SqlSyntaxException(String problem, int line) {
    super(problem + " starting on line " + line);
    this.line = line;
  }

  /** The 1-based line on which the offending construct starts (CRLF counts as one line end). */
  public int line() {
    return line;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
