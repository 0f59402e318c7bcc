package io.sqlq.core.sqlite;

import io.sqlq.core.protocol.MessageLimits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * Opens the working copy of a database for a batch, or a read-only snapshot for a query
 * ({@link #openReadOnly}), with SQLite restricted to what a request needs. Requests come from
 * anyone who may send to the request queue and run with the function's own rights, so the
 * connection:
 *
 * <ul>
 *   <li>cannot load extensions ({@code sqlite3_enable_load_extension} off: sqlite-jdbc's
 *       {@link SQLiteConfig#enableLoadExtension}; {@code load_extension()} answers "not
 *       authorized");
 *   <li>cannot attach another file: {@code SQLITE_LIMIT_ATTACHED} is 0 (and
 *       {@link io.sqlq.core.sql.RefusedConstructs} refuses ATTACH before SQLite sees it);
 *   <li>runs with {@code PRAGMA trusted_schema = OFF}, so SQL functions with side effects and
 *       virtual tables are not run from inside views and triggers stored in the file
 *       (sqlite.org/pragma.html#pragma_trusted_schema);
 *   <li>has the limits of {@link #LIMITS} (sqlite.org/c3ref/limit.html), set with sqlite-jdbc's
 *       {@link SQLiteConnection#setLimit}.
 * </ul>
 *
 * <p>SQLite's defensive mode ({@code SQLITE_DBCONFIG_DEFENSIVE}, sqlite.org/c3ref/c_dbconfig_defensive.html)
 * is not reachable through sqlite-jdbc 3.51.3.0, which has no {@code sqlite3_db_config} call.
 * What it guards is enforced instead by refusing the statements that reach it: every PRAGMA off
 * {@link io.sqlq.core.sql.RefusedConstructs}'s allow-list (so {@code writable_schema},
 * {@code journal_mode=OFF} and {@code schema_version} are refused), and the
 * {@code sqlite_dbpage} virtual table is not compiled into sqlite-jdbc (checked in
 * HardenedSqliteTest). Writes to the shadow tables of FTS and R-Tree virtual tables remain
 * possible; they can damage only the index of the database the request names.
 *
 * <p>The journal lives in memory and writes are not synced: the copy is scratch space that only
 * becomes durable when it is published, and a copy left by a crash is never trusted (its ETag
 * is forgotten), so SQLite's own crash safety would buy nothing here.
 */
public final class HardenedSqlite {
  /**
   * Largest string, blob or row, in bytes: 16 MiB (SQLite's default SQLITE_MAX_LENGTH is
   * 1,000,000,000). A bound value or a reply is at most one SQS message (1 MiB); this leaves
   * room for values built by SQL while keeping {@code zeroblob(1e9)} or {@code
   * printf('%.*c', 1e9, 'x')} from taking the function's memory.
   */
  public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

  /**
   * The limits every connection gets. LENGTH, SQL_LENGTH, VARIABLE_NUMBER and ATTACHED are
   * sqlq's; EXPR_DEPTH 1,000, COMPOUND_SELECT 500, LIKE_PATTERN_LENGTH 50,000, FUNCTION_ARG 127
   * and TRIGGER_DEPTH 1,000 are SQLite's documented defaults (sqlite.org/limits.html), set so a
   * build of sqlite-jdbc with larger ones does not raise them.
   */
  static final Map<SQLiteLimits, Integer> LIMITS = limits();

  private HardenedSqlite() {}

  /**
   * Opens {@code file} (created when missing) for writing: a batch's working copy.
   *
   * @throws SQLException when SQLite cannot open the file or refuses a setting
   */
  public static Connection open(Path file) throws SQLException {
    return open(file, false);
  }

  /**
   * Opens {@code file} read-only ({@code SQLITE_OPEN_READONLY}, sqlite.org/c3ref/open.html),
   * with the same settings as {@link #open}: a snapshot that SQLite itself keeps unchanged. Any
   * statement that would write it (INSERT, UPDATE, DELETE, DDL, a writing PRAGMA) fails with
   * {@code SQLITE_READONLY} ("attempt to write a readonly database", sqlite.org/rescode.html#readonly),
   * whatever its keywords; a missing file is not created.
   *
   * @throws SQLException when SQLite cannot open the file ({@code SQLITE_CANTOPEN} when it is
   *     missing) or refuses a setting
   */
  public static Connection openReadOnly(Path file) throws SQLException {
    return open(file, true);
  }

  private static Connection open(Path file, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    config.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
    config.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.enableLoadExtension(false);
    // sqlite-jdbc would otherwise run "SELECT last_insert_rowid()" after every INSERT for
    // getGeneratedKeys(), which sqlq never calls (it reads last_insert_rowid() itself): a second
    // statement prepared and stepped per INSERT, a tenth of the applier's time on Chinook (JFR).
    config.setGetGeneratedKeys(false);
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
    try {
      SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
      for (Map.Entry<SQLiteLimits, Integer> limit : LIMITS.entrySet()) {
        sqlite.setLimit(limit.getKey(), limit.getValue());
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA trusted_schema = OFF");
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static Map<SQLiteLimits, Integer> limits() {
    Map<SQLiteLimits, Integer> limits = new LinkedHashMap<>();
    limits.put(SQLiteLimits.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
    limits.put(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, MessageLimits.MAX_SQL_BYTES);
    limits.put(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, MessageLimits.MAX_PARAMETERS_PER_STATEMENT);
    limits.put(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
    limits.put(SQLiteLimits.SQLITE_LIMIT_EXPR_DEPTH, 1_000);
    limits.put(SQLiteLimits.SQLITE_LIMIT_COMPOUND_SELECT, 500);
    limits.put(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50_000);
    limits.put(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, 127);
    limits.put(SQLiteLimits.SQLITE_LIMIT_TRIGGER_DEPTH, 1_000);
    return Map.copyOf(limits);
  }
}
