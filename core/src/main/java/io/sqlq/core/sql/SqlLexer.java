package io.sqlq.core.sql;

import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * Walks SQL text one token at a time and says what each token is, the way SQLite's
 * tokenizer sees it: <a href="https://www.sqlite.org/lang_keywords.html">quoting</a>,
 * <a href="https://www.sqlite.org/lang_comment.html">comments</a> and
 * <a href="https://www.sqlite.org/lang_expr.html#varparam">parameters</a>. It only
 * classifies; {@link SqlScript} and {@link NamedParameters} decide what the tokens mean.
 *
 * <p>Every character belongs to exactly one token, so the tokens laid end to end are the
 * text. Each character is looked at a bounded number of times: linear in the text.
 */
final class SqlLexer {

  enum Kind {
    /** Spaces, tabs, CR, LF, form feeds. */
    SPACE,
    /** {@code -- to end of line} (the newline is not part of it) or {@code /* ... *}{@code /}. */
    COMMENT,
    /** {@code 'text'}, with {@code ''} for a quote inside. */
    STRING,
    /** {@code "name"} or {@code `name`} (doubled quote inside) or {@code [name]}. */
    QUOTED_IDENTIFIER,
    /** A keyword, an unquoted identifier or a number: identifier characters. */
    WORD,
    /** {@code ?}, {@code ?NNN}, or {@code :}, {@code @}, {@code $} followed by identifier characters. */
    PARAMETER,
    SEMICOLON,
    /** Any other single character: operators, parentheses, a lone {@code :}. */
    OTHER
  }

  private final String sql;
  private Kind kind;
  private int start;
  private int end;

  SqlLexer(String sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /**
   * Moves to the next token.
   *
   * @return false at the end of the text
   * @throws SqlSyntaxException if a string, quoted identifier or block comment starts here
   *     and is not closed before the end of the text
   */
  boolean next() {
    start = end;
    int n = sql.length();
    if (start >= n) {
      return false;
    }
    char c = sql.charAt(start);
    char next = start + 1 < n ? sql.charAt(start + 1) : 0;
    if (isSpace(c)) {
      kind = Kind.SPACE;
      end = skip(start + 1, SqlLexer::isSpace);
    } else if (c == '-' && next == '-') {
      kind = Kind.COMMENT;
      int newline = sql.indexOf('\n', start + 2);
      end = newline < 0 ? n : newline;
    } else if (c == '/' && next == '*') {
      kind = Kind.COMMENT;
      end = closedAfter(sql.indexOf("*/", start + 2), 2, "block comment");
    } else if (c == '\'') {
      kind = Kind.STRING;
      end = closeDoubled(c, "string literal");
    } else if (c == '"' || c == '`') {
      kind = Kind.QUOTED_IDENTIFIER;
      end = closeDoubled(c, "quoted identifier");
    } else if (c == '[') {
      kind = Kind.QUOTED_IDENTIFIER;
      end = closedAfter(sql.indexOf(']', start + 1), 1, "[bracketed] identifier");
    } else if (c == ';') {
      kind = Kind.SEMICOLON;
      end = start + 1;
    } else if (c == '?') {
      kind = Kind.PARAMETER;
      end = skip(start + 1, ch -> ch >= '0' && ch <= '9');
    } else if ((c == ':' || c == '@' || c == '$') && isIdChar(next)) {
      kind = Kind.PARAMETER;
      end = skip(start + 1, SqlLexer::isIdChar);
    } else if (isIdChar(c) && c != '$') {
      kind = Kind.WORD;
      end = skip(start + 1, SqlLexer::isIdChar);
    } else {
      kind = Kind.OTHER;
      end = start + 1;
    }
    return true;
  }

  Kind kind() {
    return kind;
  }

  /** Index of the token's first character. */
  int start() {
    return start;
  }

  /** Index just past the token's last character. */
  int end() {
    return end;
  }

  String text() {
    return sql.substring(start, end);
  }

  /** Whether the token is a WORD equal to {@code keyword}, ignoring case. */
  boolean isWord(String keyword) {
    return kind == Kind.WORD
        && end - start == keyword.length()
        && sql.regionMatches(true, start, keyword, 0, keyword.length());
  }

  /** Whitespace as SQLite's tokenizer has it (sqlite3Isspace). */
  private static boolean isSpace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  /** SQLite's IdChar: ASCII letters and digits, {@code _}, {@code $}, and every non-ASCII character. */
  private static boolean isIdChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '$' || c >= 0x80;
  }

  private int skip(int from, IntPredicate test) {
    int i = from;
    while (i < sql.length() && test.test(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  /** End of a quoted token whose quote character is escaped by doubling it. */
  private int closeDoubled(char quote, String what) {
    int i = start + 1;
    while (true) {
      int close = sql.indexOf(quote, i);
      if (close < 0) {
        throw unterminated(what);
      }
      if (close + 1 < sql.length() && sql.charAt(close + 1) == quote) {
        i = close + 2;
      } else {
        return close + 1;
      }
    }
  }

  private int closedAfter(int closer, int closerLength, String what) {
    if (closer < 0) {
      throw unterminated(what);
    }
    return closer + closerLength;
  }

  private SqlSyntaxException unterminated(String what) {
    int line = 1;
    for (int i = 0; i < start; i++) {
      if (sql.charAt(i) == '\n') {
        line++;
      }
    }
    return new SqlSyntaxException("unterminated " + what, line);
  }
}
