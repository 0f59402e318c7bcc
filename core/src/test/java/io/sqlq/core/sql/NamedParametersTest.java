package io.sqlq.core.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.sql.NamedParameters.PositionalSql;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedParametersTest {

  @Test
  void namesAreNumberedInOrderOfFirstUseAndValuesFollowThatOrder() {
    PositionalSql result = NamedParameters.toPositional(
        "INSERT INTO t (a, b) VALUES (:b, :a)", Map.of("a", 1, "b", "x"));

    assertThat(result.sql()).isEqualTo("INSERT INTO t (a, b) VALUES (?1, ?2)");
    assertThat(result.values()).containsExactly("x", 1);
  }

  @Test
  void nameUsedTwiceGetsTheSameNumberAndOneValue() {
    PositionalSql result = NamedParameters.toPositional(
        "SELECT * FROM t WHERE a = :a OR b = :b OR c = :a", Map.of("a", 1, "b", 2));

    assertThat(result.sql()).isEqualTo("SELECT * FROM t WHERE a = ?1 OR b = ?2 OR c = ?1");
    assertThat(result.values()).containsExactly(1, 2);
  }

  @Test
  void colonAtAndDollarPrefixesAllBindTheUnprefixedKey() {
    PositionalSql result = NamedParameters.toPositional(
        "SELECT :x, @y, $z, @x", Map.of("x", 1, "y", 2, "z", 3));

    assertThat(result.sql()).isEqualTo("SELECT ?1, ?2, ?3, ?1");
    assertThat(result.values()).containsExactly(1, 2, 3);
  }

  @Test
  void namesMayHoldDigitsAndUnderscores() {
    PositionalSql result = NamedParameters.toPositional(
        "SELECT :user_id2, :2nd", Map.of("user_id2", 1, "2nd", 2));

    assertThat(result.sql()).isEqualTo("SELECT ?1, ?2");
  }

  @Test
  void nullValueBindsSqlNull() {
    Map<String, Object> values = new HashMap<>();
    values.put("a", null);

    PositionalSql result = NamedParameters.toPositional("UPDATE t SET a = :a", values);

    assertThat(result.values()).containsExactly((Object) null);
  }

  @Test
  void parameterLookalikesInStringsIdentifiersAndCommentsAreLeftAlone() {
    String sql = "SELECT ':a', \"@a\", `$a`, [:a], x$a /* :a */ -- @a\n FROM t WHERE b = :b";

    PositionalSql result = NamedParameters.toPositional(sql, Map.of("b", 1));

    assertThat(result.sql())
        .isEqualTo("SELECT ':a', \"@a\", `$a`, [:a], x$a /* :a */ -- @a\n FROM t WHERE b = ?1");
    assertThat(result.values()).containsExactly(1);
  }

  @Test
  void sqlWithoutParametersAndNoValuesIsUnchanged() {
    PositionalSql result = NamedParameters.toPositional("SELECT 'a:b'", Map.of());

    assertThat(result.sql()).isEqualTo("SELECT 'a:b'");
    assertThat(result.values()).isEmpty();
  }

  @Test
  void positionalOnlySqlWithNoValuesIsUnchanged() {
    assertThat(NamedParameters.toPositional("SELECT ?, ?2", Map.of()).sql())
        .isEqualTo("SELECT ?, ?2");
  }

  @Test
  void nameWithoutValueThrowsNamingTheParameter() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT :a, @b", Map.of("a", 1)))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining("@b")
        .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("@b");
  }

  @Test
  void valueNotUsedBySqlThrowsNamingTheKey() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT :a", Map.of("a", 1, "b", 2)))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining("b")
        .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("b");
  }

  @Test
  void keyWrittenWithPrefixIsUnusedAndThrows() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT :a", Map.of("a", 1, ":a", 1)))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining(":a")
        .hasMessageContaining("no prefix");
  }

  @Test
  void valueOnlyNamedInsideAStringIsUnusedAndThrows() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT ':a'", Map.of("a", 1)))
        .isInstanceOf(BadParameterException.class)
        .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("a");
  }

  @Test
  void namedAfterPositionalThrows() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT ?, :a", Map.of("a", 1)))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining(":a")
        .hasMessageContaining("positional");
  }

  @Test
  void numberedPositionalAfterNamedThrowsNamingIt() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT :a, ?1", Map.of("a", 1)))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining("?1")
        .extracting(e -> ((BadParameterException) e).parameter()).isEqualTo("?1");
  }

  @Test
  void nameWithCharactersOutsideTheSupportedSetThrows() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT :naïve", Map.of("naïve", 1)))
        .isInstanceOf(BadParameterException.class)
        .hasMessageContaining(":naïve")
        .hasMessageContaining("not supported");
  }

  @Test
  void unterminatedStringThrowsSyntaxError() {
    assertThatThrownBy(() -> NamedParameters.toPositional("SELECT ':a", Map.of("a", 1)))
        .isInstanceOf(SqlSyntaxException.class);
  }

  @Test
  void badParameterIsNotRetryable() {
    assertThat(new BadParameterException(":a", "x").retryable()).isFalse();
  }

  @Test
  void positionalSqlValuesAreACopyThatCannotBeChanged() {
    PositionalSql result = NamedParameters.toPositional("SELECT :a", Map.of("a", 1));

    assertThatThrownBy(() -> result.values().add(2))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
