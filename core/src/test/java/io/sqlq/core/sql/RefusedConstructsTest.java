package io.sqlq.core.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.sql.RefusedConstructs.Refusal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefusedConstructsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "ATTACH '/etc/passwd' AS p", "attach database 'other.sqlite' as o", "/* hi */ ATTACH 'x' AS y",
      "DETACH y", "EXPLAIN ATTACH 'x' AS y", "EXPLAIN QUERY PLAN DETACH DATABASE y"})
  void attachAndDetachAreRefused(String sql) {
    assertThat(refusal(sql).code()).isEqualTo(ReplyError.ATTACH_REFUSED);
    assertThat(refusal(sql).message()).contains("is refused: a request reaches only the database it names");
  }

  @ParameterizedTest
  @ValueSource(strings = {"VACUUM", "VACUUM INTO '/tmp/x'", "vacuum main into 'copy.sqlite'"})
  void vacuumInEveryFormIsRefused(String sql) {
    assertThat(refusal(sql).code()).isEqualTo(ReplyError.VACUUM_REFUSED);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "PRAGMA writable_schema = 1", "PRAGMA writable_schema=ON", "PRAGMA trusted_schema = ON",
      "PRAGMA journal_mode = OFF", "PRAGMA main.journal_mode=WAL", "PRAGMA schema_version = 7",
      "PRAGMA page_size = 512", "PRAGMA legacy_file_format = 1", "PRAGMA 'writable_schema' = 1",
      "PRAGMA \"writable_schema\"(1)", "PRAGMA [journal_mode] = DELETE", "PRAGMA temp_store_directory = '/tmp'",
      "PRAGMA case_sensitive_like = 1", "PRAGMA defer_foreign_keys = 1", "PRAGMA mmap_size = 1000000",
      "PRAGMA cell_size_check", "PRAGMA no_such_pragma_yet"})
  void pragmasOffTheAllowListAndSettingsWithAValueAreRefused(String sql) {
    Refusal refusal = refusal(sql);
    assertThat(refusal.code()).isEqualTo(ReplyError.PRAGMA_REFUSED);
    assertThat(refusal.message()).contains("is refused").contains("sqlq allows the pragmas that only read");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "PRAGMA table_info(t)", "PRAGMA main.table_info('t')", "PRAGMA integrity_check", "PRAGMA quick_check(10)",
      "PRAGMA foreign_key_check", "PRAGMA user_version", "PRAGMA user_version = 3", "PRAGMA application_id = 42",
      "PRAGMA journal_mode", "PRAGMA page_size", "PRAGMA schema_version", "PRAGMA writable_schema",
      "SELECT * FROM pragma_table_info('t')", "SELECT 'ATTACH x', 'load_extension(1)' -- VACUUM",
      "INSERT INTO t(load_extension) VALUES (1)", "SELECT 1 /* PRAGMA writable_schema=1 */",
      "CREATE TABLE vacuum_log(x)", "SELECT attach FROM t"})
  void harmlessStatementsPass(String sql) {
    assertThat(RefusedConstructs.check(sql)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT load_extension('/tmp/evil.so')", "select LOAD_EXTENSION ('x', 'entry')",
      "SELECT \"load_extension\"('x')", "SELECT fts3_tokenizer('simple', x'00')",
      "INSERT INTO t VALUES ((SELECT load_extension('x')))"})
  void loadExtensionAndFts3TokenizerCallsAreRefused(String sql) {
    assertThat(refusal(sql).code()).isEqualTo(ReplyError.FUNCTION_REFUSED);
    assertThat(refusal(sql).message()).endsWith("() is refused: it would load native code or register one by address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ATTACH 'x' AS y /* hidden", "SELECT 'open", "SELECT \"open", "SELECT [open"})
  void unterminatedTokensAreRefusedSoATrailingCommentCannotHideAnything(String sql) {
    Refusal refusal = refusal(sql);
    assertThat(refusal.code()).isEqualTo(ReplyError.UNTERMINATED);
    assertThat(refusal.message()).startsWith("unterminated ").contains("starting on line 1");
  }

  private static Refusal refusal(String sql) {
    return RefusedConstructs.check(sql).orElseThrow(() -> new AssertionError("not refused: " + sql));
  }
}
