package io.sqlq.core.sql;

import io.sqlq.core.protocol.ReplyError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL constructs the consumer refuses before SQLite sees them, because they reach outside
 * the database a request names or change how the file is kept:
 *
 * <ul>
 *   <li>a NUL character anywhere ({@link ReplyError#NUL_CHARACTER}): SQLite reads SQL text as a C
 *       string and stops at the first NUL, so it would run something other than what was sent
 *       (and sqlite-jdbc then fails when the connection closes); a value with NUL goes in a
 *       parameter;
 *   <li>{@code ATTACH} and {@code DETACH} ({@link ReplyError#ATTACH_REFUSED}): ATTACH opens any
 *       file of the function's disk, such as another database's working copy
 *       (sqlite.org/lang_attach.html);
 *   <li>{@code VACUUM} in every form ({@link ReplyError#VACUUM_REFUSED}): {@code VACUUM INTO
 *       'file'} writes a copy of the database to any path (sqlite.org/lang_vacuum.html), and a
 *       plain VACUUM fails inside sqlq's transaction anyway;
 *   <li>every PRAGMA that is not on an allow-list ({@link ReplyError#PRAGMA_REFUSED}): the
 *       allow-list holds pragmas that only read ({@code table_info}, {@code integrity_check},
 *       ...) and, with a value, only {@code user_version} and {@code application_id}, which set
 *       a number in the file header for the application's own use. So {@code journal_mode},
 *       {@code writable_schema}, {@code trusted_schema}, {@code schema_version}, {@code page_size},
 *       {@code legacy_file_format} and every pragma a later SQLite adds are refused: an
 *       allow-list fails closed (sqlite.org/pragma.html);
 *   <li>calls of {@code load_extension} and {@code fts3_tokenizer}
 *       ({@link ReplyError#FUNCTION_REFUSED}): the first loads native code (the consumer also
 *       opens its connections with extension loading off), the second can register a tokenizer
 *       by memory address (sqlite.org/fts3.html#custom_application_defined_tokenizers);
 *   <li>text whose string, quoted identifier or block comment is never closed
 *       ({@link ReplyError#UNTERMINATED}): SQLite ends an unclosed block comment at the end of the
 *       text silently, so without this rule a trailing {@code /*} could hide the rest of a
 *       statement from the checks above.
 * </ul>
 *
 * <p>The checks read tokens as SQLite's tokenizer makes them ({@link SqlLexer}), so a keyword
 * inside a string literal or comment refuses nothing, and {@code EXPLAIN} or
 * {@code EXPLAIN QUERY PLAN} in front changes nothing.
 */
public final class RefusedConstructs {
  /** A refused statement: a {@code SQLQ_*} code of {@link ReplyError} and what the user reads. */
  public record Refusal(String code, String message) {}

  /** Pragmas that only report, with or without an argument. */
  private static final Set<String> QUERY_PRAGMAS = Set.of(
      "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
      "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "database_list",
      "collation_list", "function_list", "module_list", "pragma_list", "compile_options",
      "page_count", "freelist_count", "data_version");

  /** Settings that may be read but not set: setting them changes the file or the connection. */
  private static final Set<String> READ_ONLY_SETTINGS = Set.of(
      "page_size", "schema_version", "encoding", "foreign_keys", "journal_mode", "auto_vacuum",
      "cache_size", "max_page_count", "synchronous", "temp_store", "trusted_schema",
      "writable_schema", "secure_delete", "recursive_triggers", "busy_timeout");

  /** Header numbers for the application's own use (sqlite.org/pragma.html#pragma_user_version). */
  private static final Set<String> SETTABLE = Set.of("user_version", "application_id");

  private static final Set<String> REFUSED_FUNCTIONS = Set.of("load_extension", "fts3_tokenizer");

  private RefusedConstructs() {}

  /**
   * Checks one statement.
   *
   * @param sql one SQL statement
   * @return the refusal, or empty when the statement may run
   */
  public static Optional<Refusal> check(String sql) {
    if (sql.indexOf('\0') >= 0) {
      return Optional.of(new Refusal(ReplyError.NUL_CHARACTER, "the SQL holds a NUL character at index "
          + sql.indexOf('\0') + ", where SQLite would stop reading it; pass such values as parameters"));
    }
    List<Token> tokens;
    try {
      tokens = tokens(sql);
    } catch (SqlSyntaxException e) {
      return Optional.of(new Refusal(ReplyError.UNTERMINATED, e.getMessage()
          + ": close it (SQLite would end an open block comment at the end of the text silently)"));
    }
    int start = skipExplain(tokens);
    if (start >= tokens.size()) {
      return Optional.empty();
    }
    String keyword = tokens.get(start).keyword();
    Optional<Refusal> refusal = switch (keyword) {
      case "ATTACH", "DETACH" -> Optional.of(new Refusal(ReplyError.ATTACH_REFUSED, keyword
          + " is refused: a request reaches only the database it names (its message group)"));
      case "VACUUM" -> Optional.of(new Refusal(ReplyError.VACUUM_REFUSED,
          "VACUUM is refused: VACUUM INTO writes a file of the function's disk, and a plain VACUUM"
              + " cannot run inside sqlq's transaction"));
      case "PRAGMA" -> pragma(tokens, start + 1);
      default -> Optional.empty();
    };
    return refusal.isPresent() ? refusal : refusedCall(tokens);
  }

  private static Optional<Refusal> pragma(List<Token> tokens, int at) {
    int i = at;
    if (i + 1 < tokens.size() && tokens.get(i + 1).text().equals(".")) {
      i += 2; // a schema name: PRAGMA main.table_info(t)
    }
    if (i >= tokens.size()) {
      return Optional.empty(); // "PRAGMA" alone or "PRAGMA main.": SQLite reports the syntax error
    }
    String name = tokens.get(i).name();
    boolean withValue = i + 1 < tokens.size()
        && (tokens.get(i + 1).text().equals("=") || tokens.get(i + 1).text().equals("("));
    if (QUERY_PRAGMAS.contains(name) || SETTABLE.contains(name)
        || (!withValue && READ_ONLY_SETTINGS.contains(name))) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(ReplyError.PRAGMA_REFUSED, "PRAGMA " + name
        + (withValue ? " with a value" : "") + " is refused: it could change how the file is kept or"
        + " how later requests run; sqlq allows the pragmas that only read (table_info, index_list,"
        + " integrity_check, ...) and setting user_version or application_id"));
  }

  private static Optional<Refusal> refusedCall(List<Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean name = t.kind() == SqlLexer.Kind.WORD || t.kind() == SqlLexer.Kind.QUOTED_IDENTIFIER;
      if (name && tokens.get(i + 1).text().equals("(") && REFUSED_FUNCTIONS.contains(t.name())) {
        return Optional.of(new Refusal(ReplyError.FUNCTION_REFUSED, t.name()
            + "() is refused: it would load native code or register one by address"));
      }
    }
    return Optional.empty();
  }

  private static int skipExplain(List<Token> tokens) {
    int i = 0;
    if (i < tokens.size() && tokens.get(i).keyword().equals("EXPLAIN")) {
      i++;
      if (i + 1 < tokens.size() && tokens.get(i).keyword().equals("QUERY") && tokens.get(i + 1).keyword().equals("PLAN")) {
        i += 2;
      }
    }
    return i;
  }

  private static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql);
    while (lexer.next()) {
      if (lexer.kind() != SqlLexer.Kind.SPACE && lexer.kind() != SqlLexer.Kind.COMMENT) {
        tokens.add(new Token(lexer.kind(), lexer.text()));
      }
    }
    return tokens;
  }

  private record Token(SqlLexer.Kind kind, String text) {
    /** The upper-cased word, or "" for any other token. */
    String keyword() {
      return kind == SqlLexer.Kind.WORD ? text.toUpperCase(Locale.ROOT) : "";
    }

    /** The identifier this token names, lower-cased, quotes removed ({@code "x"}, `x`, [x], 'x'). */
    String name() {
      String t = text;
      boolean quoted = kind == SqlLexer.Kind.QUOTED_IDENTIFIER || kind == SqlLexer.Kind.STRING;
      if (quoted && t.length() >= 2) {
        char q = t.charAt(0);
        t = t.substring(1, t.length() - 1);
        if (q != '[') {
          t = t.replace(String.valueOf(q) + q, String.valueOf(q));
        }
      }
      return t.toLowerCase(Locale.ROOT);
    }
  }
}
