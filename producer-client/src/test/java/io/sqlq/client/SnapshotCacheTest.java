package io.sqlq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.protocol.ReplyError;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots on the in-memory store: consistency modes, conditional refresh, sharing, bounds, read-only refusals. */
class SnapshotCacheTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  @TempDir Path dir;
  private final CountingStore store = new CountingStore(new InMemoryDatabaseStore());
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final SnapshotReader reader = new SnapshotReader(Duration.ofSeconds(5));
  private SnapshotCache cache;

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
  }

  private SnapshotCache cache(long maxBytes) {
    cache = new SnapshotCache(store, dir.resolve("snapshots"), maxBytes, Duration.ofSeconds(60), clock);
    return cache;
  }

  /** Publishes a database at {@code version} with table t holding {@code rows} rows. */
  private void publish(String db, long version, int rows) throws SQLException {
    Path file = dir.resolve(db + "-" + version + ".sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement()) {
      s.execute("CREATE TABLE t(v INTEGER)");
      s.execute("CREATE TABLE _sqlq_meta(key TEXT PRIMARY KEY, value INTEGER)");
      s.execute("INSERT INTO _sqlq_meta VALUES ('version', " + version + ")");
      for (int i = 0; i < rows; i++) {
        s.execute("INSERT INTO t VALUES (" + i + ")");
      }
    }
    store.publish(db, file, store.etag(db), version);
  }

  private QueryResult count(String db, Consistency consistency) {
    return cache.read(db, consistency, WAIT,
        (file, version, age) -> reader.query(db, file, version, age, Statement.of("SELECT count(*) FROM t")));
  }

  @Test
  void latestSeesTheNewestPublishAndSnapshotKeepsTheCachedCopyAndSaysHowOldItIs() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    assertThat(count("a", Consistency.latest()).rows()).containsExactly(List.of(1L));
    publish("a", 2, 2);
    clock.advance(Duration.ofSeconds(7));

    QueryResult cached = count("a", Consistency.snapshot());
    QueryResult latest = count("a", Consistency.latest());

    assertThat(cached.rows()).containsExactly(List.of(1L));
    assertThat(cached.dbVersion()).isEqualTo(1);
    assertThat(cached.age()).isEqualTo(Duration.ofSeconds(7));
    assertThat(latest.rows()).containsExactly(List.of(2L));
    assertThat(latest.dbVersion()).isEqualTo(2);
    assertThat(latest.age()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aLatestReadOfAnUnchangedDatabaseDownloadsNothing() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    count("a", Consistency.latest());
    count("a", Consistency.latest());
    count("a", Consistency.latest());

    assertThat(store.downloads.get()).isEqualTo(1);
    assertThat(store.unchanged.get()).isEqualTo(2);
  }

  @Test
  void aSnapshotOlderThanTheMaxAgeIsCheckedFirst() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    count("a", Consistency.snapshot());
    publish("a", 2, 2);
    clock.advance(Duration.ofSeconds(61));

    assertThat(count("a", Consistency.snapshot()).dbVersion()).isEqualTo(2);
  }

  @Test
  void atLeastChecksTheStoreUntilTheVersionArrives() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    count("a", Consistency.snapshot());
    store.onFetch = fetches -> {
      if (fetches == 3) {
        publish("a", 5, 5);
      }
    };

    QueryResult result = count("a", Consistency.atLeast(5));

    assertThat(result.dbVersion()).isEqualTo(5);
    assertThat(result.rows()).containsExactly(List.of(5L));
    assertThat(store.fetches.get()).as("the first read, then two checks").isEqualTo(3);
  }

  @Test
  void atLeastACachedVersionReadsTheCacheWithoutAskingTheStore() throws Exception {
    cache(1L << 30);
    publish("a", 3, 1);
    count("a", Consistency.latest());
    int before = store.fetches.get();

    assertThat(count("a", Consistency.atLeast(3)).dbVersion()).isEqualTo(3);
    assertThat(store.fetches.get()).isEqualTo(before);
  }

  @Test
  void atLeastAVersionTheStoreNeverReachesFailsWithTheVersionItHas() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);

    assertThatThrownBy(() -> cache.read("a", Consistency.atLeast(2), Duration.ofMillis(200),
        (file, version, age) -> version))
        .isInstanceOfSatisfying(VersionNotReachedException.class, e -> {
          assertThat(e.wanted()).isEqualTo(2);
          assertThat(e.reached()).isEqualTo(1);
        });
  }

  @Test
  void aDatabaseNeverPublishedIsNotFound() {
    cache(1L << 30);

    assertThatThrownBy(() -> count("nothing", Consistency.latest())).isInstanceOf(DatabaseNotFoundException.class);
  }

  @Test
  void coldQueriesOfOneDatabaseShareOneDownload() throws Exception {
    assertThat(fetchesOfEightQueriesWhileTheFirstFetches(Consistency.snapshot())).isEqualTo(1);
  }

  @Test
  void latestQueriesAskedDuringAFetchShareTheNextOne() throws Exception {
    // The running fetch began before they asked, so it may miss a write answered meanwhile.
    assertThat(fetchesOfEightQueriesWhileTheFirstFetches(Consistency.latest())).isEqualTo(2);
  }

  private int fetchesOfEightQueriesWhileTheFirstFetches(Consistency consistency) throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    CountDownLatch fetching = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    store.onFetch = fetches -> {
      fetching.countDown();
      release.await();
    };
    List<Thread> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(8, task -> {
      Thread thread = new Thread(task);
      started.add(thread);
      return thread;
    });
    try {
      List<Future<QueryResult>> results = new ArrayList<>();
      results.add(threads.submit(() -> count("a", consistency)));
      assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 7; i++) {
        results.add(threads.submit(() -> count("a", consistency)));
      }
      while (started.size() < 8 || started.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < 8) {
        Thread.sleep(5); // until the seven wait for the running fetch (the first waits on the latch)
      }
      release.countDown();
      for (Future<QueryResult> result : results) {
        assertThat(result.get(5, TimeUnit.SECONDS).rows()).containsExactly(List.of(1L));
      }
    } finally {
      threads.shutdownNow();
    }
    return store.fetches.get();
  }

  @Test
  void copiesOverTheByteBoundAreDeletedLeastRecentlyReadFirst() throws Exception {
    publish("a", 1, 1);
    publish("b", 1, 1);
    publish("c", 1, 1);
    long oneFile = Files.size(dir.resolve("a-1.sqlite"));
    cache(2 * oneFile);
    count("a", Consistency.latest());
    count("b", Consistency.latest());
    count("a", Consistency.snapshot());
    count("c", Consistency.latest());

    assertThat(Files.exists(dir.resolve("snapshots/a.sqlite"))).isTrue();
    assertThat(Files.exists(dir.resolve("snapshots/b.sqlite"))).as("least recently read").isFalse();
    assertThat(Files.exists(dir.resolve("snapshots/c.sqlite"))).isTrue();
    assertThat(cache.bytes()).isLessThanOrEqualTo(2 * oneFile);
    int before = store.downloads.get();
    count("b", Consistency.snapshot());
    assertThat(store.downloads.get()).as("b fetched whole again").isEqualTo(before + 1);
  }

  @Test
  void closeRemovesEveryFile() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    count("a", Consistency.latest());

    cache.close();

    assertThat(Files.exists(dir.resolve("snapshots"))).isFalse();
  }

  @Test
  void theSnapshotIsReadOnlySoSqliteItselfRefusesEveryWrite() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    for (String write : List.of("INSERT INTO t VALUES (9)", "DELETE FROM t", "UPDATE t SET v = 2", "DROP TABLE t",
        "CREATE TABLE u(x)", "PRAGMA user_version = 7", "REPLACE INTO t VALUES (1)")) {
      assertThatThrownBy(() -> query("a", write)).as(write)
          .isInstanceOfSatisfying(ReadOnlyQueryException.class,
              e -> assertThat(e.error().code()).startsWith("SQLITE_READONLY"));
    }
    assertThat(count("a", Consistency.latest()).rows()).containsExactly(List.of(1L));
  }

  @Test
  void theConsumersRefusalsHoldOnASnapshot() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);

    assertThat(failure("a", "ATTACH '" + dir.resolve("x.sqlite") + "' AS x")).isEqualTo(ReplyError.ATTACH_REFUSED);
    assertThat(failure("a", "PRAGMA journal_mode = DELETE")).isEqualTo(ReplyError.PRAGMA_REFUSED);
    assertThat(failure("a", "SELECT load_extension('x')")).isEqualTo(ReplyError.FUNCTION_REFUSED);
    assertThat(failure("a", "SELECT 1; SELECT 2")).isEqualTo(ReplyError.MULTIPLE_STATEMENTS);
    assertThat(failure("a", "SELECT * FROM missing")).isEqualTo("SQLITE_ERROR");
    assertThat(Files.exists(dir.resolve("x.sqlite"))).isFalse();
  }

  @Test
  void aRunawayQueryIsInterruptedAtItsBudget() throws Exception {
    cache(1L << 30);
    publish("a", 1, 1);
    SnapshotReader quick = new SnapshotReader(Duration.ofMillis(50));

    assertThatThrownBy(() -> cache.read("a", Consistency.latest(), WAIT, (file, version, age) -> quick.query("a", file,
        version, age, Statement.of("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"))))
        .isInstanceOfSatisfying(QueryFailedException.class,
            e -> assertThat(e.error().code()).isEqualTo(ReplyError.STATEMENT_TIMEOUT));
  }

  private QueryResult query(String db, String sql) {
    return cache.read(db, Consistency.snapshot(), WAIT,
        (file, version, age) -> reader.query(db, file, version, age, Statement.of(sql)));
  }

  private String failure(String db, String sql) {
    try {
      query(db, sql);
      throw new AssertionError(sql + " was not refused");
    } catch (ReadOnlyQueryException e) {
      throw new AssertionError(sql + " reached SQLite: " + e.getMessage());
    } catch (QueryFailedException e) {
      return e.error().code();
    }
  }

  /** Counts fetches and their outcomes; runs {@link #onFetch} before each. */
  static final class CountingStore implements DatabaseStore {
    interface Hook {
      void run(int fetches) throws Exception;
    }

    final InMemoryDatabaseStore inner;
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger downloads = new AtomicInteger();
    final AtomicInteger unchanged = new AtomicInteger();
    volatile Hook onFetch = n -> { };
    private final java.util.Map<String, String> etags = new java.util.concurrent.ConcurrentHashMap<>();

    CountingStore(InMemoryDatabaseStore inner) {
      this.inner = inner;
    }

    String etag(String db) {
      return etags.get(db);
    }

    @Override
    public Fetched fetch(String db, String cachedEtag, Path target) {
      try {
        onFetch.run(fetches.incrementAndGet());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      Fetched fetched = inner.fetch(db, cachedEtag, target);
      switch (fetched) {
        case Fetched.Downloaded d -> downloads.incrementAndGet();
        case Fetched.Unchanged u -> unchanged.incrementAndGet();
        case Fetched.Missing m -> { }
      }
      return fetched;
    }

    @Override
    public Published publish(String db, Path file, String expectedEtag, long version) {
      Published published = inner.publish(db, file, expectedEtag, version);
      etags.put(db, published.etag());
      return published;
    }
  }
}
