package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.client.Consistency;
import io.sqlq.client.DatabaseClient;
import io.sqlq.client.QueryFailedException;
import io.sqlq.client.QueryResult;
import io.sqlq.client.ReadOnlyQueryException;
import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sql.SqlScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Reads from snapshots, beside the queue, on moto_server. */
class QueryIT {
  private static final Path CHINOOK = Path.of("..", "examples", "chinook", "Chinook_Sqlite_1.4.5_multirow.sql");
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @Test
  void aQueryAtLeastAWritesVersionSeesItWhileASnapshotMayNotAndSaysHowOldItIs() throws Exception {
    DatabaseClient db = pipeline.client("ryw").database("ryw");
    db.submit("CREATE TABLE t(v TEXT)").get(60, TimeUnit.SECONDS);
    Reply first = db.submit("INSERT INTO t VALUES ('first')").get(60, TimeUnit.SECONDS);
    QueryResult before = db.query(Consistency.latest(), "SELECT group_concat(v) FROM t");

    Reply second = db.submit("INSERT INTO t VALUES ('second')").get(60, TimeUnit.SECONDS);
    QueryResult cached = db.query(Consistency.snapshot(), "SELECT group_concat(v) FROM t");
    QueryResult own = db.query(Consistency.atLeast(db.seenVersion()), "SELECT group_concat(v) FROM t");

    assertThat(before.rows()).containsExactly(List.of("first"));
    assertThat(before.dbVersion()).isEqualTo(first.dbVersion());
    assertThat(cached.rows()).as("the cached snapshot, from before the second write").containsExactly(List.of("first"));
    assertThat(cached.dbVersion()).isEqualTo(first.dbVersion());
    assertThat(cached.age()).isPositive();
    assertThat(db.seenVersion()).isEqualTo(second.dbVersion());
    assertThat(own.rows()).containsExactly(List.of("first,second"));
    assertThat(own.dbVersion()).isGreaterThanOrEqualTo(second.dbVersion());
  }

  @Test
  void aSnapshotRefusesEveryWriteAndAttachWithATypedErrorAndThePublishedDatabaseIsUnchanged(@TempDir Path dir)
      throws Exception {
    DatabaseClient db = pipeline.client("ro").database("ro");
    Reply created = db.submit("CREATE TABLE t(v INTEGER)").get(60, TimeUnit.SECONDS);
    db.submit("INSERT INTO t VALUES (1)").get(60, TimeUnit.SECONDS);

    for (String write : List.of("INSERT INTO t VALUES (2)", "DELETE FROM t", "DROP TABLE t", "UPDATE t SET v = 3",
        "PRAGMA user_version = 9", "CREATE INDEX i ON t(v)")) {
      assertThatThrownBy(() -> db.query(Consistency.latest(), write)).as(write)
          .isInstanceOfSatisfying(ReadOnlyQueryException.class,
              e -> assertThat(e.error().code()).isEqualTo("SQLITE_READONLY"));
    }
    assertThatThrownBy(() -> db.query(Consistency.latest(), "ATTACH '" + dir.resolve("x.sqlite") + "' AS x"))
        .isInstanceOfSatisfying(QueryFailedException.class,
            e -> assertThat(e.error().code()).isEqualTo(ReplyError.ATTACH_REFUSED));

    QueryResult after = db.query(Consistency.latest(), "SELECT count(*), (SELECT user_version FROM pragma_user_version) FROM t");
    assertThat(after.rows()).containsExactly(List.of(1L, 0L));
    assertThat(after.dbVersion()).isEqualTo(created.dbVersion() + 1);
    assertThat(Pipeline.query(pipeline.export("ro", dir), "SELECT count(*) FROM t")).isEqualTo("1");
  }

  @Test
  void theWholeChinookTrackTableReadsTheSameFromASnapshotAndThroughTheQueue() throws Exception {
    SqlqClient client = pipeline.client("chinook");
    List<CompletableFuture<Reply>> loads = new ArrayList<>();
    for (String sql : SqlScript.split(Files.readString(CHINOOK, StandardCharsets.UTF_8))) {
      loads.add(client.submit(Statement.of(sql)));
    }
    for (CompletableFuture<Reply> load : loads) {
      assertThat(load.get(300, TimeUnit.SECONDS).ok()).isTrue();
    }
    String all = "SELECT * FROM Track ORDER BY TrackId";

    QueryResult snapshot = client.query(Consistency.atLeast(client.database("chinook").seenVersion()), all);
    Reply queued = client.submit(all).get(120, TimeUnit.SECONDS);

    assertThat(snapshot.rows()).hasSize(3_503);
    assertThat(queued.ok()).as(String.valueOf(queued.error())).isTrue();
    assertThat(queued.results().getFirst().rows()).hasSize(3_503);
    assertThat(snapshot.columns()).isEqualTo(queued.results().getFirst().columns());
    assertThat(snapshot.rows()).isEqualTo(queued.results().getFirst().rows());
  }

  @Test
  void aClosedClientRemovesItsSnapshots() throws Exception {
    SqlqClient client = pipeline.client("closing");
    client.submit("CREATE TABLE t(v)").get(60, TimeUnit.SECONDS);
    client.query(Consistency.latest(), "SELECT count(*) FROM t");
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before;
    try (var dirs = Files.list(tmp)) {
      before = dirs.filter(p -> p.getFileName().toString().startsWith("sqlq-snapshots-"))
          .filter(p -> Files.exists(p.resolve("closing.sqlite"))).toList();
    }
    assertThat(before).hasSize(1);

    client.close();

    assertThat(before.getFirst()).doesNotExist();
    assertThatThrownBy(() -> client.query(Consistency.latest(), "SELECT 1"))
        .hasMessageContaining("client is closed");
  }
}
