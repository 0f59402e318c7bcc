package io.sqlq.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting the pages that differ between two versions of a database file. */
class ChangedPagesTest {
  @TempDir Path dir;

  private Path database(String... sql) throws Exception {
    Path file = dir.resolve("db.sqlite");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      for (String statement : sql) {
        connection.createStatement().execute(statement);
      }
    }
    return file;
  }

  @Test
  void withoutAnEarlierVersionEveryPageChanged() throws Exception {
    Path file = database("PRAGMA page_size = 1024", "CREATE TABLE t(x)", "INSERT INTO t VALUES (1)");

    assertThat(ChangedPages.bytes(dir.resolve("missing.sqlite"), file)).isEqualTo(Files.size(file)).isEqualTo(2_048);
  }

  @Test
  void anIdenticalCopyChangedNothingAndAnUpdateChangesItsPageAndTheHeader() throws Exception {
    Path file = database("PRAGMA page_size = 1024", "CREATE TABLE t(x)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
            + " INSERT INTO t SELECT printf('%0100d', i) FROM n");
    Path before = Files.copy(file, dir.resolve("before.sqlite"));
    assertThat(ChangedPages.bytes(before, file)).isZero();

    database("UPDATE t SET x = 'changed' WHERE rowid = 250");

    // page 1 (the change counter in the header) and the leaf page of row 250
    assertThat(ChangedPages.bytes(before, file)).isEqualTo(2 * 1_024);
  }

  @Test
  void pagesPastTheEarlierEndAreChanged() throws Exception {
    Path file = database("PRAGMA page_size = 1024", "CREATE TABLE t(x)");
    Path before = Files.copy(file, dir.resolve("before.sqlite"));
    long size = Files.size(file);

    database("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
        + " INSERT INTO t SELECT printf('%0100d', i) FROM n");

    long grown = Files.size(file) - size;
    assertThat(grown).isPositive();
    // the new pages, page 1 (header: page count, change counter) and the table's root page, which became an interior page
    assertThat(ChangedPages.bytes(before, file)).isGreaterThanOrEqualTo(grown + 1_024).isLessThanOrEqualTo(grown + 2 * 1_024);
  }
}
