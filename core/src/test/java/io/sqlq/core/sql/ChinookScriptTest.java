package io.sqlq.core.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Splits the Chinook scripts shipped under {@code examples/chinook/} (repository root).
 *
 * <p>Expected counts were obtained independently of this code, and agree three ways:
 * <ul>
 *   <li>the sqlite3 shell 3.40.1: {@code printf '.timer on\n.read FILE\n' | sqlite3 :memory:
 *       | grep -c '^Run Time:'} (one line per statement it executed);
 *   <li>Python's {@code sqlite3.complete_statement} (SQLite's own sqlite3_complete), fed
 *       the file up to each {@code ;} and counting where it reports a complete statement;
 *   <li>grep: 11 DROP TABLE + 11 CREATE TABLE + 11 CREATE INDEX lines, plus
 *       {@code grep -c '^INSERT'} (15,607 in 1.4.4, 24 in 1.4.5).
 * </ul>
 */
class ChinookScriptTest {

  private static final Path CHINOOK = Path.of("..", "examples", "chinook");

  @Test
  void rowsScriptWithCrlfLineEndsSplitsIntoItsStatements() throws IOException {
    List<String> statements = SqlScript.split(read("Chinook_Sqlite_1.4.4_rows.sql"));

    assertThat(statements).hasSize(15_640);
    assertThat(statements).filteredOn(s -> s.startsWith("INSERT INTO ")).hasSize(15_607);
    assertThat(statements.get(0)).isEqualTo("DROP TABLE IF EXISTS [Album]");
    assertThat(statements.get(statements.size() - 1)).isEqualTo(
        "INSERT INTO [PlaylistTrack] ([PlaylistId], [TrackId]) VALUES (18, 597)");
    assertThat(statements).filteredOn(s -> s.startsWith("CREATE TABLE [Album]")).singleElement()
        .asString().contains("\r\n").endsWith(")");
  }

  @Test
  void multiRowScriptWithSemicolonsInsideStringsSplitsIntoItsStatements() throws IOException {
    List<String> statements = SqlScript.split(read("Chinook_Sqlite_1.4.5_multirow.sql"));

    assertThat(statements).hasSize(57);
    assertThat(statements).filteredOn(s -> s.startsWith("INSERT INTO ")).hasSize(24);
    assertThat(statements.get(0)).isEqualTo("DROP TABLE IF EXISTS [Album]");
    String last = statements.get(statements.size() - 1);
    assertThat(last).startsWith("INSERT INTO [PlaylistTrack] ([PlaylistId], [TrackId]) VALUES")
        .endsWith("(17, 3290),\n    (18, 597)");
    assertThat(statements).anySatisfy(s -> assertThat(s)
        .startsWith("INSERT INTO [Track]")
        .contains("(1123, 'Changes', 88, 1, 3, 'Sully Erna; Tony Rombola', "));
  }

  private static String read(String name) throws IOException {
    return Files.readString(CHINOOK.resolve(name), StandardCharsets.UTF_8);
  }
}
