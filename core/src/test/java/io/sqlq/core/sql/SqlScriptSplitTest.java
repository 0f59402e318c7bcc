package io.sqlq.core.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptSplitTest {

  @Test
  void semicolonsSeparateStatementsWhichAreTrimmedAndLoseTheirSemicolon() {
    assertThat(SqlScript.split("  SELECT 1;\n\tSELECT 2 ;  "))
        .containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void lastStatementWithoutSemicolonIsReturned() {
    assertThat(SqlScript.split("SELECT 1; SELECT 2")).containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void emptyScriptAndScriptOfOnlySemicolonsWhitespaceAndCommentsHaveNoStatements() {
    assertThat(SqlScript.split("")).isEmpty();
    assertThat(SqlScript.split(" ;; \n ; /* c */ ; -- note\n")).isEmpty();
  }

  @Test
  void emptyPiecesBetweenStatementsAreDropped() {
    assertThat(SqlScript.split("SELECT 1;;; ;SELECT 2;"))
        .containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void semicolonInSingleQuotedStringDoesNotEndStatement() {
    assertThat(SqlScript.split("INSERT INTO t VALUES ('a;b');SELECT 1"))
        .containsExactly("INSERT INTO t VALUES ('a;b')", "SELECT 1");
  }

  @Test
  void doubledQuoteInStringIsAnEscapeNotTheEnd() {
    assertThat(SqlScript.split("SELECT 'it''s; fine';SELECT ''';'''"))
        .containsExactly("SELECT 'it''s; fine'", "SELECT ''';'''");
  }

  @Test
  void semicolonInDoubleQuotedIdentifierWithDoubledQuoteDoesNotEndStatement() {
    assertThat(SqlScript.split("SELECT \"a\"\";b\" FROM t;SELECT 2"))
        .containsExactly("SELECT \"a\"\";b\" FROM t", "SELECT 2");
  }

  @Test
  void semicolonInBacktickIdentifierDoesNotEndStatement() {
    assertThat(SqlScript.split("SELECT `a;``b` FROM t;SELECT 2"))
        .containsExactly("SELECT `a;``b` FROM t", "SELECT 2");
  }

  @Test
  void semicolonInBracketedIdentifierDoesNotEndStatement() {
    assertThat(SqlScript.split("SELECT [a;b] FROM t;SELECT 2"))
        .containsExactly("SELECT [a;b] FROM t", "SELECT 2");
  }

  @Test
  void quoteCharactersInsideBracketsAreLiteral() {
    assertThat(SqlScript.split("SELECT [it's] FROM t;SELECT 2"))
        .containsExactly("SELECT [it's] FROM t", "SELECT 2");
  }

  @Test
  void semicolonInLineCommentDoesNotEndStatementAndCommentInsideIsKept() {
    assertThat(SqlScript.split("SELECT 1 -- one; two\n + 2;SELECT 3"))
        .containsExactly("SELECT 1 -- one; two\n + 2", "SELECT 3");
  }

  @Test
  void semicolonInBlockCommentDoesNotEndStatementAndCommentInsideIsKept() {
    assertThat(SqlScript.split("SELECT /* a; b */ 1;SELECT 2"))
        .containsExactly("SELECT /* a; b */ 1", "SELECT 2");
  }

  @Test
  void commentsBeforeAndAfterAStatementAreNotPartOfIt() {
    assertThat(SqlScript.split("/* header */\n-- about t\nSELECT 1 -- trailing\n;\n-- end"))
        .containsExactly("SELECT 1");
  }

  @Test
  void lineCommentAtEndOfScriptWithoutNewlineIsClosedByTheEnd() {
    assertThat(SqlScript.split("SELECT 1; -- done")).containsExactly("SELECT 1");
  }

  @Test
  void crlfLineEndsAreWhitespaceAndKeptInsideStatements() {
    assertThat(SqlScript.split("CREATE TABLE t (\r\n  a -- x;\r\n);\r\nSELECT 1;\r\n"))
        .containsExactly("CREATE TABLE t (\r\n  a -- x;\r\n)", "SELECT 1");
  }

  @Test
  void triggerBodyIsNotSplitAtItsInnerSemicolons() {
    String trigger = """
        CREATE TRIGGER log AFTER INSERT ON t BEGIN
          INSERT INTO log VALUES (new.a);
          UPDATE n SET c = c + 1;
        END""";
    assertThat(SqlScript.split(trigger + ";\nSELECT 1;")).containsExactly(trigger, "SELECT 1");
  }

  @Test
  void tempAndTemporaryTriggersAreRecognisedInAnyCase() {
    String temp = "create temp trigger t1 after delete on t begin delete from u; end";
    String temporary = "Create Temporary Trigger t2 after delete on t begin delete from v; End";
    assertThat(SqlScript.split(temp + ";" + temporary + ";SELECT 1"))
        .containsExactly(temp, temporary, "SELECT 1");
  }

  @Test
  void caseEndInsideTriggerDoesNotEndTrigger() {
    String trigger = "CREATE TRIGGER t1 AFTER INSERT ON t BEGIN "
        + "UPDATE u SET x = CASE WHEN new.a THEN 1 ELSE 0 END; END";
    assertThat(SqlScript.split(trigger + "; SELECT 1")).containsExactly(trigger, "SELECT 1");
  }

  @Test
  void commentsBetweenSemicolonAndEndOfTriggerAreAllowed() {
    String trigger = "CREATE TRIGGER t1 AFTER INSERT ON t BEGIN SELECT 1; /* c */ -- d\n END";
    assertThat(SqlScript.split(trigger + "; SELECT 2")).containsExactly(trigger, "SELECT 2");
  }

  @Test
  void explainCreateTriggerIsOneStatement() {
    String trigger = "EXPLAIN CREATE TRIGGER t1 AFTER INSERT ON t BEGIN SELECT 1; END";
    assertThat(SqlScript.split(trigger + ";SELECT 2")).containsExactly(trigger, "SELECT 2");
  }

  @Test
  void triggerWordsInsideQuotesOrOtherStatementsDoNotStartATrigger() {
    assertThat(SqlScript.split("CREATE TABLE trigger_log (a); CREATE \"TRIGGER\"; SELECT 1"))
        .containsExactly("CREATE TABLE trigger_log (a)", "CREATE \"TRIGGER\"", "SELECT 1");
    assertThat(SqlScript.split("SELECT 'CREATE TRIGGER'; SELECT 1"))
        .containsExactly("SELECT 'CREATE TRIGGER'", "SELECT 1");
  }

  @Test
  void unterminatedStringThrowsWithTheLineItStartsOn() {
    assertThatThrownBy(() -> SqlScript.split("SELECT 1;\r\nSELECT 2;\r\nSELECT 'abc;\r\n"))
        .isInstanceOf(SqlSyntaxException.class)
        .hasMessageContaining("string literal")
        .hasMessageContaining("line 3")
        .extracting(e -> ((SqlSyntaxException) e).line()).isEqualTo(3);
  }

  @Test
  void unterminatedStringHoldingAnEscapedQuoteThrowsWithTheLineTheStringStartsOn() {
    assertThatThrownBy(() -> SqlScript.split("SELECT 'a\nb''c\n"))
        .isInstanceOf(SqlSyntaxException.class).hasMessageContaining("line 1");
  }

  @Test
  void unterminatedDoubleQuotedIdentifierThrowsWithLine() {
    assertThatThrownBy(() -> SqlScript.split("SELECT 1;\nSELECT \"a"))
        .isInstanceOf(SqlSyntaxException.class).hasMessageContaining("line 2");
  }

  @Test
  void unterminatedBacktickIdentifierThrowsWithLine() {
    assertThatThrownBy(() -> SqlScript.split("\n\n\nSELECT `a``"))
        .isInstanceOf(SqlSyntaxException.class).hasMessageContaining("line 4");
  }

  @Test
  void unterminatedBracketedIdentifierThrowsWithLine() {
    assertThatThrownBy(() -> SqlScript.split("SELECT [a"))
        .isInstanceOf(SqlSyntaxException.class)
        .hasMessageContaining("identifier")
        .hasMessageContaining("line 1");
  }

  @Test
  void unterminatedBlockCommentThrowsWithTheLineItStartsOn() {
    assertThatThrownBy(() -> SqlScript.split("SELECT 1;\n/* note\n\n"))
        .isInstanceOf(SqlSyntaxException.class)
        .hasMessageContaining("block comment")
        .hasMessageContaining("line 2");
  }

  @Test
  void syntaxErrorIsNotRetryable() {
    assertThat(new SqlSyntaxException("unterminated string literal", 1).retryable()).isFalse();
  }

  @Test
  void twoMegabyteScriptsSplitInLinearTime() {
    String manyStatements = "INSERT INTO t VALUES ('a;b', \"c\", [d]); -- x\n".repeat(45_000);
    String oneLongString = "SELECT '" + "'';".repeat(500_000) + "'";
    String manyEmptyPieces = ";".repeat(2_000_000) + "SELECT 1";
    // Linear: milliseconds; quadratic on 2 MB: hours. The bound lies far from both, whatever the load.
    assertTimeoutPreemptively(Duration.ofMinutes(1), () -> {
      assertThat(SqlScript.split(manyStatements)).hasSize(45_000);
      assertThat(SqlScript.split(oneLongString)).containsExactly(oneLongString);
      assertThat(SqlScript.split(manyEmptyPieces)).containsExactly("SELECT 1");
    });
  }

  @Test
  void resultIsUnmodifiable() {
    List<String> statements = SqlScript.split("SELECT 1");
    assertThatThrownBy(() -> statements.add("SELECT 2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
