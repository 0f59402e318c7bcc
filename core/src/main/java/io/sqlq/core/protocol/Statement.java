package io.sqlq.core.protocol;

import java.util.Map;

/**
 * One SQL statement and its bound values. {@code sql} holds exactly one statement; a
 * trailing semicolon is allowed, a second statement is refused when it is applied.
 */
public record Statement(String sql, Params params) {
  public Statement {
    if (sql == null || sql.isBlank()) {
      throw new IllegalArgumentException("a statement needs non-blank sql");
    }
    params = params == null ? Params.NONE : params;
  }

  /** A statement with positional parameters. */
  public static Statement of(String sql, Object... params) {
    return new Statement(sql, Params.of(params));
  }

  /** A statement with named parameters ({@code :name} binds {@code values.get("name")}). */
  public static Statement named(String sql, Map<String, ?> values) {
    return new Statement(sql, new Params.Named(Map.copyOf(values)));
  }
}
