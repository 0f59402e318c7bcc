package io.sqlq.core.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.protocol.MessageLimits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/** The connection itself, with sqlq's own refusals out of the way: SQLite's settings hold on their own. */
class HardenedSqliteTest {
  @TempDir Path dir;
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = HardenedSqlite.open(dir.resolve("main.sqlite"));
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void everyLimitIsInForce() throws SQLException {
    var db = connection.unwrap(SQLiteConnection.class).getDatabase();
    for (var limit : HardenedSqlite.LIMITS.entrySet()) {
      assertThat(db.limit(limit.getKey().getId(), -1)).as(limit.getKey().name()).isEqualTo(limit.getValue());
    }
    assertThat(db.limit(SQLiteLimits.SQLITE_LIMIT_ATTACHED.getId(), -1)).isZero();
    assertThat(db.limit(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER.getId(), -1)).isEqualTo(32_766);
  }

  @Test
  void attachFailsEvenWhenItReachesSqlite() {
    assertThatThrownBy(() -> execute("ATTACH '" + dir.resolve("other.sqlite") + "' AS other"))
        .hasMessageContaining("too many attached databases - max 0");
  }

  @Test
  void loadExtensionIsNotAuthorized() {
    assertThatThrownBy(() -> query("SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')"))
        .hasMessageContaining("not authorized");
  }

  @Test
  void trustedSchemaIsOff() throws SQLException {
    assertThat(query("PRAGMA trusted_schema")).isEqualTo("0");
  }

  @Test
  void theRawPageTableOfDefensiveModeIsNotCompiledIn() {
    assertThatThrownBy(() -> query("SELECT count(*) FROM sqlite_dbpage")).hasMessageContaining("no such table: sqlite_dbpage");
  }

  @Test
  void aValueOfTheLongestLengthIsMadeAndOneByteMoreIsTooBig() throws SQLException {
    assertThat(query("SELECT length(zeroblob(" + HardenedSqlite.MAX_VALUE_BYTES + "))")).isEqualTo("16777216");
    assertThatThrownBy(() -> query("SELECT length(zeroblob(" + (HardenedSqlite.MAX_VALUE_BYTES + 1) + "))"))
        .hasMessageContaining("string or blob too big");
  }

  @Test
  void theMostParametersBindAndOneMoreIsRefusedBySqlite() throws SQLException {
    int max = MessageLimits.MAX_PARAMETERS_PER_STATEMENT;
    try (PreparedStatement ps = connection.prepareStatement(select(max))) {
      assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(max);
    }
    assertThatThrownBy(() -> connection.prepareStatement(select(max + 1))).hasMessageContaining("too many SQL variables");
  }

  @Test
  void plainVacuumFailsInsideATransactionEvenWhenItReachesSqlite() throws SQLException {
    connection.setAutoCommit(false);
    execute("CREATE TABLE t(x)");
    assertThatThrownBy(() -> execute("VACUUM")).hasMessageContaining("cannot VACUUM from within a transaction");
    assertThatThrownBy(() -> execute("VACUUM INTO '" + dir.resolve("copy.sqlite") + "'"))
        .hasMessageContaining("cannot VACUUM from within a transaction");
    connection.rollback();
    connection.setAutoCommit(true);
  }

  private static String select(int parameters) {
    return "SELECT 1 WHERE NULL IN (" + String.join(",", Collections.nCopies(parameters, "?")) + ")";
  }

  private void execute(String sql) throws SQLException {
    try (var s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  private String query(String sql) throws SQLException {
    try (var s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
