package io.sqlq.core.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlScriptLeadingKeywordTest {

  @Test
  void firstWordIsReturnedUpperCased() {
    assertThat(SqlScript.leadingKeyword("insert into t values (1)")).isEqualTo("INSERT");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "commit",
      "  \r\n\tCOMMIT;",
      "-- finish\ncommit",
      "/* finish; */ Commit transaction",
      "/* a */ -- b\r\n /* c */commit"})
  void whitespaceAndCommentsBeforeTheKeywordAreSkipped(String sql) {
    assertThat(SqlScript.leadingKeyword(sql)).isEqualTo("COMMIT");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BEGIN IMMEDIATE|BEGIN",
      "end;|END",
      "rollback to sp1|ROLLBACK",
      "SAVEPOINT sp1|SAVEPOINT",
      "release sp1|RELEASE",
      "WITH x AS (SELECT 1) SELECT * FROM x|WITH"})
  void transactionControlAndOtherStatementsAreNamed(String sql, String keyword) {
    assertThat(SqlScript.leadingKeyword(sql)).isEqualTo(keyword);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "-- only a comment", "/* c */", "(SELECT 1)", "\"BEGIN\"",
      "'COMMIT'"})
  void textWithoutALeadingWordHasNoKeyword(String sql) {
    assertThat(SqlScript.leadingKeyword(sql)).isEmpty();
  }

  @Test
  void unterminatedCommentBeforeTheKeywordThrows() {
    assertThatThrownBy(() -> SqlScript.leadingKeyword("/* COMMIT"))
        .isInstanceOf(SqlSyntaxException.class).hasMessageContaining("line 1");
  }
}
