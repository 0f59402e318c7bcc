package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.local.MotoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History and point-in-time restore on moto_server, across deltas, a merge and a VACUUM snapshot. */
class DatabaseHistoryMotoTest {
  private static final String BUCKET = "sqlq-history-test";
  private static MotoFixture moto;
  @TempDir Path dir;

  @BeforeAll
  static void startMoto() {
    moto = MotoFixture.start();
    moto.s3().createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void everyVersionIsListedAndAnOldOneRestoresRowForRowAsExportedThen() throws Exception {
    var store = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t(v) SELECT hex(randomblob(200)) FROM "
        + "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c)");
    String etag = store.publish("shop", db, null, 1).etag();
    Path exported = dir.resolve("exported-20.sqlite");
    for (int version = 2; version <= 40; version++) {
      sql(db, "INSERT INTO t(v) VALUES ('version " + version + "')", "UPDATE t SET v = 'touched' WHERE id = " + version);
      if (version == 30) {
        sql(db, "DELETE FROM t WHERE id > 100", "VACUUM");
      }
      etag = store.publish("shop", db, etag, version).etag();
      if (version == 20) {
        Files.copy(db, exported);
      }
    }
    var history = new DatabaseHistory(moto.s3(), BUCKET, "");

    List<DatabaseHistory.Version> versions = history.versions("shop");
    Path restored = dir.resolve("restored.sqlite");
    DatabaseHistory.Version twenty = history.restore("shop", 20, restored);

    assertThat(versions).extracting(DatabaseHistory.Version::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
    assertThat(versions).filteredOn(DatabaseHistory.Version::snapshot).extracting(DatabaseHistory.Version::version)
        .contains(1L, 30L);
    assertThat(twenty.version()).isEqualTo(20);
    assertThat(rows(restored)).isEqualTo(rows(exported)).hasSize(2019);
    Path latest = dir.resolve("latest.sqlite");
    assertThat(history.restoreAt("shop", versions.get(39).at(), latest).version()).isEqualTo(40);
    assertThat(rows(latest)).isEqualTo(rows(db));
    assertThatThrownBy(() -> history.restore("shop", 41, dir.resolve("none.sqlite")))
        .isInstanceOf(VersionNotKeptException.class).hasMessageContaining("kept: 1..40");
    assertThatThrownBy(() -> history.versions("nothing")).isInstanceOf(VersionNotKeptException.class);
  }

  private static List<String> rows(Path file) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = connection.createStatement().executeQuery("SELECT id, v FROM t ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getString(2));
      }
    }
    return rows;
  }

  private static void sql(Path file, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        var statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
