package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.LockLostException;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease around a batch: the wait budget rule, the lease
 * keeper extending a long batch, a lost lease stopping the batch before it publishes, and
 * {@code sqlq exec}'s maintenance step under the same lock.
 */
class DatabaseBatchLeaseTest {
  private static final Duration SHORT_LEASE = Duration.ofMillis(300);
  private final ReplyCodec codec = new ReplyCodec();
  private final Clock clock = Clock.systemUTC();
  private final DatabaseStore store = new InMemoryDatabaseStore();

  @TempDir Path work;

  private List<Request> requests(String db, String... sql) {
    StringBuilder body = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < sql.length; i++) {
      body.append(i == 0 ? "" : ",").append("{\"id\":\"r").append(i).append("\",\"sql\":\"").append(sql[i]).append("\"}");
    }
    return new RequestCodec().decodeRequests(body.append("]}").toString(), new MessageContext("m", db, null, TestStack.REPLIES));
  }

  @Test
  void lockWaitBudget_isTheConfiguredBudgetButAtMostHalfTheRemainingTime() {
    Duration configured = Duration.ofSeconds(20);

    assertThat(ConsumerHandler.lockWaitBudget(configured, SqsEvents.context(60_000))).isEqualTo(configured);
    assertThat(ConsumerHandler.lockWaitBudget(configured, SqsEvents.context(10_000))).isEqualTo(Duration.ofSeconds(5));
    assertThat(ConsumerHandler.lockWaitBudget(configured, SqsEvents.context(0))).isEqualTo(Duration.ZERO);
    assertThat(ConsumerHandler.lockWaitBudget(configured, null)).isEqualTo(configured);
  }

  @Test
  void aBatchRunningForSeveralLeases_hasItsLeaseExtendedAboutEveryThirdOfALease() {
    var lock = new CountingLock(new InMemoryLock(SHORT_LEASE, clock));
    var batch = new DatabaseBatch(lock, store, work, BatchListener.NONE);
    List<Request> requests = requests("slow", "CREATE TABLE t(v)");

    long start = System.nanoTime();
    AppliedBatch applied = batch.run("slow", Duration.ZERO, connection -> {
      sleep(SHORT_LEASE.multipliedBy(3).toMillis());
      return TestStack.applying(requests, clock).apply(connection);
    });
    long periods = (System.nanoTime() - start) / SHORT_LEASE.dividedBy(3).toNanos();

    System.out.println("extensions during a batch of " + periods + " thirds of a lease: " + lock.extensions.get());
    assertThat(applied.version()).isEqualTo(1);
    assertThat(lock.extensions.get()).as("one per third of a lease held; fewer only on a starved machine")
        .isBetween(3, (int) periods);
    assertThat(lock.released.get()).isEqualTo(1);
    int afterRelease = lock.extensions.get();
    sleep(SHORT_LEASE.toMillis());
    assertThat(lock.extensions.get()).as("no extension after the batch ended").isEqualTo(afterRelease);
  }

  @Test
  void aBatchWhoseLockIsLostWhileItRuns_stopsBeforePublishingAndReleasesNothingOfOthers() {
    var lock = new CountingLock(new InMemoryLock(SHORT_LEASE, clock));
    lock.loseOnExtend = true;
    var batch = new DatabaseBatch(lock, store, work, BatchListener.NONE);
    List<Request> requests = requests("lost", "CREATE TABLE t(v)");

    assertThatThrownBy(() -> batch.run("lost", Duration.ZERO, connection -> {
      sleep(SHORT_LEASE.toMillis());
      return TestStack.applying(requests, clock).apply(connection);
    })).isInstanceOfSatisfying(LockLostException.class, e -> {
      assertThat(e.db()).isEqualTo("lost");
      assertThat(e.retryable()).isTrue();
    });

    assertThat(store.fetch("lost", null, work.resolve("check.sqlite"))).isInstanceOf(DatabaseStore.Fetched.Missing.class);
    assertThat(lock.released.get()).isEqualTo(1);
  }

  @Test
  void aMaintenanceStatement_runsOutsideATransactionUnderTheLockAndPublishesTheNextVersion() throws Exception {
    var batch = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), clock), store, work, BatchListener.NONE);
    batch.run("main", Duration.ZERO, TestStack.applying(requests("main", "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)"), clock));
    Request vacuum = new Request("exec-1", "main", List.of(Statement.of("VACUUM")), null, null);

    AppliedBatch applied = batch.run("main", Duration.ZERO, new MaintenanceStatement(vacuum, codec, clock));

    assertThat(applied.version()).isEqualTo(2);
    assertThat(applied.requests().get(0).reply().ok()).isTrue();
    Path published = work.resolve("published.sqlite");
    store.fetch("main", null, published);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + published);
        var rs = c.createStatement().executeQuery("SELECT (SELECT count(*) FROM t), (SELECT value FROM _sqlq_meta)")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
      assertThat(rs.getLong(2)).isEqualTo(2);
    }
  }

  @Test
  void aFailingMaintenanceStatement_publishesNothing() {
    var batch = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), clock), store, work, BatchListener.NONE);
    batch.run("main", Duration.ZERO, TestStack.applying(requests("main", "CREATE TABLE t(v)"), clock));
    Request bad = new Request("exec-2", "main", List.of(Statement.of("DROP TABLE nope")), null, null);

    assertThatThrownBy(() -> batch.run("main", Duration.ZERO, new MaintenanceStatement(bad, codec, clock)))
        .isInstanceOfSatisfying(MaintenanceFailedException.class, e -> {
          assertThat(e.error().message()).contains("no such table");
          assertThat(e.retryable()).isFalse();
        });
    assertThat(store.fetch("main", null, work.resolve("v.sqlite"))).isInstanceOf(DatabaseStore.Fetched.Downloaded.class);
    assertThat(batch.run("main", Duration.ZERO, TestStack.applying(
        List.of(new Request("after", "main", List.of(Statement.of("INSERT INTO t VALUES (1)")), null, null)), clock))
        .version()).isEqualTo(2);
  }

  @Test
  void vacuumIntoAFile_staysRefusedForTheAdminWriterToo() {
    var batch = new DatabaseBatch(new InMemoryLock(Duration.ofMinutes(1), clock), store, work, BatchListener.NONE);
    batch.run("main", Duration.ZERO, TestStack.applying(requests("main", "CREATE TABLE t(v)"), clock));
    Request into = new Request("exec-3", "main",
        List.of(Statement.of("VACUUM INTO '" + work.resolve("copy.sqlite") + "'")), null, null);

    assertThatThrownBy(() -> batch.run("main", Duration.ZERO, new MaintenanceStatement(into, codec, clock)))
        .isInstanceOfSatisfying(MaintenanceFailedException.class,
            e -> assertThat(e.error().code()).isEqualTo("SQLQ_VACUUM_REFUSED"));
    assertThat(work.resolve("copy.sqlite")).doesNotExist();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Counts extensions and releases; can make every extension find the lock lost. */
  private static final class CountingLock implements DatabaseLock {
    private final DatabaseLock delegate;
    final AtomicInteger extensions = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    volatile boolean loseOnExtend;

    CountingLock(DatabaseLock delegate) {
      this.delegate = delegate;
    }

    @Override
    public Lease acquire(String db, Duration waitBudget) {
      return delegate.acquire(db, waitBudget);
    }

    @Override
    public Lease extend(Lease lease) {
      extensions.incrementAndGet();
      if (loseOnExtend) {
        throw new LockLostException(lease.db(), lease.lockId());
      }
      return delegate.extend(lease);
    }

    @Override
    public void release(Lease lease) {
      released.incrementAndGet();
      delegate.release(lease);
    }

    @Override
    public Duration leaseLength() {
      return delegate.leaseLength();
    }
  }
}
