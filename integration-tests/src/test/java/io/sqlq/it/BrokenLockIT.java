package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.BatchApplier;
import io.sqlq.consumer.BatchListener;
import io.sqlq.consumer.DatabaseBatch;
import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.consumer.faults.Faults;
import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.PublishConflictException;
import io.sqlq.core.store.PageDeltaStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * Fencing (DESIGN.md, "Invariants"): the lock is only an optimisation, so a holder whose lock
 * was broken, or two holders that both won it, can cost a retry but never a write.
 */
class BrokenLockIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @Test
  void aSlowHolderWhoseLockWasBrokenHasItsPublishRefusedAndItsRetryLosesNothing(@TempDir Path dir)
      throws Exception {
    String db = "broken";
    Faults slowFaults = new Faults();
    DatabaseBatch slow = batch(dir.resolve("slow"), slowFaults);
    DatabaseBatch rival = batch(dir.resolve("rival"), new Faults());
    rival.run(db, WAIT, applying(request(db, "create", "CREATE TABLE t(v TEXT)")));
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    slowFaults.onNextCall(FaultPoint.AFTER_COMMIT, () -> {
      paused.countDown();
      await(resume);
    });

    List<Request> slowRequests = List.of(request(db, "slow-1", "INSERT INTO t VALUES ('slow-1')"),
        request(db, "slow-2", "INSERT INTO t VALUES ('slow-2')"));
    CompletableFuture<AppliedBatch> slowRun = CompletableFuture.supplyAsync(() -> slow.run(db, WAIT, applying(slowRequests.toArray(Request[]::new))));
    assertThat(paused.await(30, TimeUnit.SECONDS)).as("slow holder reached its publish").isTrue();
    deleteLockGroup(db);
    rival.run(db, WAIT, applying(request(db, "rival-1", "INSERT INTO t VALUES ('rival-1')")));
    resume.countDown();

    PublishConflictException refused = catchThrowableOfType(PublishConflictException.class,
        () -> unwrap(slowRun));
    assertThat(refused).as("the stale publish of the slow holder is refused").isNotNull();
    System.out.println("stale publish of the slow holder refused with HTTP " + refused.statusCode());
    AppliedBatch retried = slow.run(db, WAIT, applying(slowRequests.toArray(Request[]::new)));

    assertThat(refused.statusCode()).isIn(409, 412);
    assertThat(retried.requests()).allMatch(r -> r.reply().ok());
    assertThat(Pipeline.query(pipeline.export(db, dir), "SELECT group_concat(v, ',') FROM t"))
        .isEqualTo("rival-1,slow-1,slow-2");
  }

  @Test
  void twoHoldersThatBothWonTheLockCannotOverwriteEachOther(@TempDir Path dir) throws Exception {
    String db = "double";
    DatabaseLock alwaysGrants = new DatabaseLock() {
      @Override
      public Lease acquire(String name, Duration waitBudget) {
        return new Lease(name, "double-create", UUID.randomUUID().toString(), Instant.now().plusSeconds(60));
      }

      @Override
      public Lease extend(Lease lease) {
        return lease;
      }

      @Override
      public void release(Lease lease) {}

      @Override
      public Duration leaseLength() {
        return Duration.ofSeconds(60);
      }
    };
    Faults firstFaults = new Faults();
    Faults secondFaults = new Faults();
    DatabaseBatch first = batch(alwaysGrants, dir.resolve("first"), firstFaults);
    DatabaseBatch second = batch(alwaysGrants, dir.resolve("second"), secondFaults);
    first.run(db, WAIT, applying(request(db, "create", "CREATE TABLE t(v TEXT)")));
    second.run(db, WAIT, applying(request(db, "warm", "SELECT 1")));
    CountDownLatch bothApplied = new CountDownLatch(2);
    CountDownLatch firstPublished = new CountDownLatch(1);
    firstFaults.onNextCall(FaultPoint.AFTER_COMMIT, () -> {
      bothApplied.countDown();
      await(bothApplied);
    });
    secondFaults.onNextCall(FaultPoint.AFTER_COMMIT, () -> {
      bothApplied.countDown();
      await(firstPublished);
    });

    CompletableFuture<AppliedBatch> secondRun = CompletableFuture.supplyAsync(
        () -> second.run(db, WAIT, applying(request(db, "second-1", "INSERT INTO t VALUES ('second-1')"))));
    first.run(db, WAIT, applying(request(db, "first-1", "INSERT INTO t VALUES ('first-1')")));
    firstPublished.countDown();
    PublishConflictException refused = catchThrowableOfType(PublishConflictException.class,
        () -> unwrap(secondRun));
    assertThat(refused).as("the second holder's publish on the same base is refused").isNotNull();
    System.out.println("second of two simultaneous holders refused with HTTP " + refused.statusCode());
    second.run(db, WAIT, applying(request(db, "second-1", "INSERT INTO t VALUES ('second-1')")));

    assertThat(refused.statusCode()).isIn(409, 412);
    assertThat(Pipeline.query(pipeline.export(db, dir), "SELECT group_concat(v, ',') FROM t"))
        .isEqualTo("first-1,second-1");
  }

  private static DatabaseBatch batch(Path work, Faults faults) {
    var config = pipeline.local.config();
    return batch(new SecurityGroupLock(pipeline.local.ec2(), config.lockVpcId(), Duration.ofMinutes(1),
        Clock.systemUTC()), work, faults);
  }

  private static DatabaseBatch batch(DatabaseLock lock, Path work, Faults faults) {
    return new DatabaseBatch(lock, new PageDeltaStore(pipeline.local.s3(), pipeline.local.config().bucket(),
        pipeline.local.config().keyPrefix()), work, faults);
  }

  /** Step 4 as the stack's consumer runs it: {@code requests} through a {@link BatchApplier}. */
  private static DatabaseBatch.ApplyStep applying(Request... requests) {
    BatchApplier applier = new BatchApplier(BatchApplier.Settings.of(pipeline.local.config(), false), Clock.systemUTC(),
        BatchListener.NONE);
    List<Request> list = List.of(requests);
    return connection -> applier.apply(connection, list);
  }

  /** What the reaper does to a lock past its lease: DeleteSecurityGroup by id. */
  private static void deleteLockGroup(String db) {
    var ec2 = pipeline.local.ec2();
    var groups = ec2.describeSecurityGroups(b -> b.filters(
        Filter.builder().name("group-name").values(SecurityGroupLock.GROUP_NAME_PREFIX + db).build(),
        Filter.builder().name("vpc-id").values(pipeline.local.config().lockVpcId()).build())).securityGroups();
    assertThat(groups).as("the slow holder's lock group").hasSize(1);
    ec2.deleteSecurityGroup(b -> b.groupId(groups.get(0).groupId()));
  }

  private static Request request(String db, String id, String sql) {
    return new Request(id, db, List.of(Statement.of(sql)), pipeline.local.config().replyQueueUrl(), null);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void unwrap(CompletableFuture<?> future) throws Throwable {
    try {
      future.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause();
    }
  }
}
