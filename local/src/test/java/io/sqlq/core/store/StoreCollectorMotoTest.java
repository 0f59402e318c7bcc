package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.store.DatabaseStore.Fetched;
import io.sqlq.local.MotoFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

class StoreCollectorMotoTest {
  private static final String BUCKET = "sqlq-collector-test";
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
  void orphansTheV1FileAndHistoryPastTheRetention_areDeleted_theChainAndRecentHistoryKept() throws Exception {
    DatabaseKeys keys = new DatabaseKeys("first/", "shop");
    moto.s3().putObject(b -> b.bucket(BUCKET).key(keys.v1()), RequestBody.fromString("v1 file"));
    var store = new PageDeltaStore(moto.s3(), BUCKET, "first/");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)", "INSERT INTO t SELECT randomblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 "
        + "UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT x FROM c)");
    String etag = store.publish("shop", db, null, 1).etag();
    sql(db, "INSERT INTO t VALUES (1)");
    etag = store.publish("shop", db, etag, 2).etag();
    sql(db, "DELETE FROM t WHERE rowid > 5", "VACUUM");
    etag = store.publish("shop", db, etag, 3).etag();
    sql(db, "INSERT INTO t VALUES (2)");
    etag = store.publish("shop", db, etag, 4).etag();
    String orphan = keys.log(5, "abcdefabcdef", "0123456789ab", false);
    moto.s3().putObject(b -> b.bucket(BUCKET).key(orphan), RequestBody.fromString("a stale writer's delta"));
    Clock anHourLater = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);

    var collected = new StoreCollector(moto.s3(), BUCKET, "first/", Duration.ofMinutes(10), Duration.ofMinutes(30),
        anHourLater).collect();

    List<Long> versions = moto.s3().listObjectsV2(b -> b.bucket(BUCKET).prefix(keys.logPrefix())).contents().stream()
        .map(o -> DatabaseKeys.LogKey.parse(o.key().substring(keys.logPrefix().length())).orElseThrow().version())
        .toList();
    assertThat(versions).as("the snapshot of version 3 and the delta after it").containsExactlyInAnyOrder(3L, 4L);
    assertThat(collected.deleted()).as("versions 1 and 2, the orphan and the v1 file").isEqualTo(4);
    assertThat(collected.errors()).isZero();
    assertThat(moto.s3().listObjectsV2(b -> b.bucket(BUCKET).prefix(keys.v1())).contents()).isEmpty();
    Path copy = dir.resolve("copy.sqlite");
    Fetched fetched = new PageDeltaStore(moto.s3(), BUCKET, "first/").fetch("shop", null, copy);
    assertThat(fetched).isInstanceOf(Fetched.Downloaded.class);
    assertThat(((Fetched.Downloaded) fetched).etag()).isEqualTo(etag);
    assertThat(copy).hasSameBinaryContentAs(db);
  }

  @Test
  void withinTheGracePeriod_nothingIsDeleted_andAV1DatabaseKeepsItsFile() {
    DatabaseKeys keys = new DatabaseKeys("second/", "legacy");
    moto.s3().putObject(b -> b.bucket(BUCKET).key(keys.v1()), RequestBody.fromString("v1 file"));
    moto.s3().putObject(b -> b.bucket(BUCKET).key(keys.log(1, "abcdefabcdef", DatabaseKeys.NO_PARENT, true)),
        RequestBody.fromString("a converter's snapshot whose manifest write has not happened yet"));

    var collected = new StoreCollector(moto.s3(), BUCKET, "second/", Duration.ofMinutes(10), Duration.ofDays(7),
        Clock.systemUTC()).collect();

    assertThat(collected.deleted()).isZero();
    assertThat(moto.s3().listObjectsV2(b -> b.bucket(BUCKET).prefix("second/db/legacy")).contents()).hasSize(2);
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
