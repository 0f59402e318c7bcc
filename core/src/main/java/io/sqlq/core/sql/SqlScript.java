package io.sqlq.core.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits an SQLite script into statements, and names a statement's leading keyword.
 *
 * <p>Statements end where the {@code sqlite3} shell ends them: at a semicolon after which
 * <a href="https://www.sqlite.org/c3ref/complete.html">{@code sqlite3_complete}</a> reports
 * the text complete. So a {@code ;} inside a {@code 'string'}, a {@code "quoted"},
 * {@code `quoted`} or {@code [bracketed]} identifier, or a {@code -- line} or
 * {@code /* block *}{@code /} comment ends nothing, and a
 * {@code CREATE [TEMP|TEMPORARY] TRIGGER ... BEGIN ...; ...; END;} is one statement that
 * ends at the {@code ;} after {@code END}
 * (<a href="https://www.sqlite.org/lang_createtrigger.html">lang_createtrigger</a>).
 */
public final class SqlScript {

  // sqlite3_complete's state machine, copied from SQLite's src/complete.c.
  private static final int SEMI = 0, WS = 1, OTHER = 2, EXPLAIN = 3, CREATE = 4, TEMP = 5,
      TRIGGER = 6, END = 7;
  private static final int START = 1;
  private static final int[][] TRANSITIONS = {
      //            SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
      /* 0 NOTHING */ {1, 0, 2, 3, 4, 2, 2, 2},
      /* 1 START   */ {1, 1, 2, 3, 4, 2, 2, 2},
      /* 2 NORMAL  */ {1, 2, 2, 2, 2, 2, 2, 2},
      /* 3 EXPLAIN */ {1, 3, 3, 2, 4, 2, 2, 2},
      /* 4 CREATE  */ {1, 4, 2, 2, 2, 4, 5, 2},
      /* 5 TRIGGER */ {6, 5, 5, 5, 5, 5, 5, 5},
      /* 6 SEMI    */ {6, 6, 5, 5, 5, 5, 5, 7},
      /* 7 END     */ {1, 7, 5, 5, 5, 5, 5, 5},
  };

  private SqlScript() {}

  /**
   * Splits {@code script} into its statements, in order.
   *
   * <p>Each statement is its text exactly as written, from its first to its last token:
   * without the terminating {@code ;} and without the whitespace and comments around it
   * (comments inside it are kept; a comment between two statements belongs to neither).
   * Pieces with nothing but whitespace and comments, such as {@code ;;}, are dropped. A
   * last statement without a {@code ;} is returned too. CRLF line ends are whitespace.
   *
   * <p>Linear in the length of the script.
   *
   * @param script SQL statements separated by semicolons
   * @return the statements; empty if the script has none
   * @throws SqlSyntaxException if a string literal, quoted identifier or block comment is
   *     not closed by the end of the script; the message names the line it starts on
   */
  public static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(script);
    int state = 0;
    int first = -1; // first token of the current statement, -1 before it has one
    int last = -1; // end of its last token so far
    while (lexer.next()) {
      state = TRANSITIONS[state][tokenClass(lexer)];
      if (lexer.kind() == SqlLexer.Kind.SEMICOLON && state == START) {
        if (first >= 0) {
          statements.add(script.substring(first, last));
        }
        first = -1;
      } else if (!isTrivia(lexer)) {
        if (first < 0) {
          first = lexer.start();
        }
        last = lexer.end();
      }
    }
    if (first >= 0) {
      statements.add(script.substring(first, last));
    }
    return List.copyOf(statements);
  }

  /**
   * The first keyword of {@code sql}, upper-cased, after any whitespace and comments:
   * {@code "COMMIT"} for {@code "/* done *}{@code / commit;"}. Only the text up to that
   * keyword is read.
   *
   * @param sql a statement, or the start of one
   * @return the keyword, or {@code ""} if the text has no tokens or starts with something
   *     else (a quoted identifier, a parenthesis, ...)
   * @throws SqlSyntaxException if a block comment before the first keyword is not closed
   */
  public static String leadingKeyword(String sql) {
    SqlLexer lexer = new SqlLexer(sql);
    while (lexer.next()) {
      if (!isTrivia(lexer)) {
        return lexer.kind() == SqlLexer.Kind.WORD ? lexer.text().toUpperCase(Locale.ROOT) : "";
      }
    }
    return "";
  }

  private static boolean isTrivia(SqlLexer lexer) {
    return lexer.kind() == SqlLexer.Kind.SPACE || lexer.kind() == SqlLexer.Kind.COMMENT;
  }

  /** The token as sqlite3_complete classifies it. */
  private static int tokenClass(SqlLexer lexer) {
    return switch (lexer.kind()) {
      case SEMICOLON -> SEMI;
      case SPACE, COMMENT -> WS;
      case WORD -> keywordClass(lexer);
      default -> OTHER;
    };
  }

  private static int keywordClass(SqlLexer lexer) {
    if (lexer.isWord("EXPLAIN")) {
      return EXPLAIN;
    } else if (lexer.isWord("CREATE")) {
      return CREATE;
    } else if (lexer.isWord("TEMP") || lexer.isWord("TEMPORARY")) {
      return TEMP;
    } else if (lexer.isWord("TRIGGER")) {
      return TRIGGER;
    } else if (lexer.isWord("END")) {
      return END;
    }
    return OTHER;
  }
}
