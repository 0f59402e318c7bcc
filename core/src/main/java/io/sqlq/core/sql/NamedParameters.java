package io.sqlq.core.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rewrites SQLite named parameters into numbered ones, so that a statement with named
 * values can be bound through an API that only binds by position (JDBC).
 *
 * <p>The parameter forms are those of
 * <a href="https://www.sqlite.org/lang_expr.html#varparam">lang_expr.html#varparam</a>.
 * Supported: {@code :name}, {@code @name} and {@code $name} where name is
 * {@code [A-Za-z0-9_]+}. Not supported, and rejected: names with other characters (SQLite
 * also allows {@code $} and non-ASCII letters in them). Not supported, and left for SQLite
 * to reject as a syntax error: the Tcl forms {@code $a::b} and {@code $a(c)}. Text inside
 * string literals, quoted identifiers and comments is never a parameter.
 */
public final class NamedParameters {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

  private NamedParameters() {}

  /**
   * SQL whose parameters are all numbered ({@code ?1}, {@code ?2}, ...), and the values
   * for those numbers in order: {@code values.get(0)} binds {@code ?1}.
   *
   * @param sql the rewritten SQL
   * @param values the values in parameter-number order; may hold nulls (SQL NULL)
   */
  public record PositionalSql(String sql, List<Object> values) {
    /** Copies {@code values}, which may hold nulls; the copy cannot be changed. */
    public PositionalSql {
      Objects.requireNonNull(sql, "sql");
      values = Collections.unmodifiableList(new ArrayList<>(values));
    }
  }

  /**
   * Replaces each named parameter of {@code sql} by {@code ?N}, numbering names in order of
   * first appearance; a name used again, with any prefix, gets the same number. Everything
   * else in the text is kept as it is.
   *
   * @param sql one or more SQL statements
   * @param values a value for each name, keyed without its prefix: {@code "a"} binds
   *     {@code :a}, {@code @a} and {@code $a}; a null value binds SQL NULL
   * @return the numbered SQL and its values; {@code sql} unchanged with no values if it has
   *     no named parameters and {@code values} is empty
   * @throws BadParameterException if a name in the SQL has no value, a key of
   *     {@code values} is not used by the SQL, the SQL mixes named and positional
   *     ({@code ?}, {@code ?NNN}) parameters, or a name is outside {@code [A-Za-z0-9_]+}
   * @throws SqlSyntaxException if a string, quoted identifier or block comment is not closed
   */
  public static PositionalSql toPositional(String sql, Map<String, Object> values) {
    Objects.requireNonNull(values, "values");
    Map<String, Integer> numbers = new LinkedHashMap<>();
    String positional = null; // the first ? parameter, once seen
    String named = null; // the first named parameter, once seen
    StringBuilder out = new StringBuilder(sql.length());
    SqlLexer lexer = new SqlLexer(sql);
    while (lexer.next()) {
      if (lexer.kind() != SqlLexer.Kind.PARAMETER) {
        out.append(sql, lexer.start(), lexer.end());
        continue;
      }
      String parameter = lexer.text();
      if (parameter.startsWith("?")) {
        positional = positional == null ? parameter : positional;
        out.append(parameter);
      } else {
        named = named == null ? parameter : named;
        out.append('?').append(numbers.computeIfAbsent(name(parameter, values),
            name -> numbers.size() + 1));
      }
      if (positional != null && named != null) {
        throw new BadParameterException(parameter, "SQL mixes named parameter " + named
            + " with positional parameter " + positional + ": use one kind");
      }
    }
    TreeSet<String> unused = new TreeSet<>(values.keySet());
    unused.removeAll(numbers.keySet());
    if (!unused.isEmpty()) {
      throw new BadParameterException(unused.first(), "values " + unused
          + " are not used by any :name, @name or $name in the SQL (keys have no prefix)");
    }
    List<Object> ordered = new ArrayList<>(numbers.size());
    numbers.keySet().forEach(name -> ordered.add(values.get(name)));
    return new PositionalSql(out.toString(), ordered);
  }

  private static String name(String parameter, Map<String, Object> values) {
    String name = parameter.substring(1);
    if (!NAME.matcher(name).matches()) {
      throw new BadParameterException(parameter, "parameter " + parameter
          + " is not supported: names must be [A-Za-z0-9_]+");
    }
    if (!values.containsKey(name)) {
      throw new BadParameterException(parameter, "parameter " + parameter
          + " has no value: expected key '" + name + "' in the values");
    }
    return name;
  }
}
