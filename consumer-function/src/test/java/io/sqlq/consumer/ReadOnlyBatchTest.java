package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 5 of a batch that changed nothing: no publish, the version kept (DESIGN.md, "Consumer: one batch"). */
class ReadOnlyBatchTest {
  private final Clock clock = Clock.systemUTC();
  private final CountingStore store = new CountingStore();
  @TempDir Path work;

  /** The in-memory store, counting publishes and downloads. */
  private static final class CountingStore implements DatabaseStore {
    private final InMemoryDatabaseStore store = new InMemoryDatabaseStore();
    private final AtomicInteger publishes = new AtomicInteger();
    private final AtomicInteger downloads = new AtomicInteger();

    @Override
    public Fetched fetch(String db, String cachedEtag, Path target) {
      Fetched fetched = store.fetch(db, cachedEtag, target);
      if (fetched instanceof Fetched.Downloaded) {
        downloads.incrementAndGet();
      }
      return fetched;
    }

    @Override
    public Published publish(String db, Path file, String expectedEtag, long version) {
      publishes.incrementAndGet();
      return store.publish(db, file, expectedEtag, version);
    }
  }

  @Test
  void aBatchOfSelectsPublishesNothingKeepsTheVersionAndLeavesTheWarmCopyCurrent() {
    var batch = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), clock), store, work, BatchListener.NONE);
    AppliedBatch created = batch.run("main", Duration.ZERO, step("main", "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)"));

    AppliedBatch reads = batch.run("main", Duration.ZERO, step("main", "SELECT count(*) FROM t", "SELECT v FROM t"));
    AppliedBatch write = batch.run("main", Duration.ZERO, step("main", "INSERT INTO t VALUES (2)"));

    assertThat(store.publishes.get()).as("the create and the write, not the reads").isEqualTo(2);
    assertThat(reads.changed()).isFalse();
    assertThat(reads.version()).isEqualTo(created.version());
    assertThat(write.version()).isEqualTo(created.version() + 1);
    assertThat(store.downloads.get()).as("the copy the reads rolled back is still the one in the store").isZero();
  }

  @Test
  void aBatchOfSelectsOnADatabaseNotYetCreatedCreatesNothing() {
    var batch = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), clock), store, work, BatchListener.NONE);

    AppliedBatch reads = batch.run("fresh", Duration.ZERO, step("fresh", "SELECT 1"));

    assertThat(reads.version()).isZero();
    assertThat(reads.requests().get(0).reply().ok()).isTrue();
    assertThat(store.publishes.get()).isZero();
    assertThat(store.fetch("fresh", null, work.resolve("check.sqlite"))).isInstanceOf(DatabaseStore.Fetched.Missing.class);
  }

  private DatabaseBatch.ApplyStep step(String db, String... sql) {
    StringBuilder body = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < sql.length; i++) {
      body.append(i == 0 ? "" : ",").append("{\"sql\":\"").append(sql[i]).append("\"}");
    }
    List<Request> requests = new RequestCodec().decodeRequests(body.append("]}").toString(),
        new MessageContext("m-" + System.nanoTime(), db, null, TestStack.REPLIES));
    return TestStack.applying(requests, clock);
  }
}
