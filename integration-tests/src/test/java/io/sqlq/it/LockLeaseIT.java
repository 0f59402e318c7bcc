package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.BatchListener;
import io.sqlq.consumer.DatabaseBatch;
import io.sqlq.consumer.MaintenanceStatement;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.ReapReport;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalPipeline;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Leases and the reaper on the local pipeline: a function timeout, hence lease, of
 * 4 s, the reaper every 1 s with a grace of 1 s. Each case prints what the reaper reported.
 */
class LockLeaseIT {
  private static final Duration LEASE = Duration.ofSeconds(4);
  private static final Duration REAPER_PERIOD = LocalPipeline.Options.REAPER_PERIOD;
  private static final Duration GRACE = LocalPipeline.Options.REAPER_GRACE;
  @RegisterExtension static final Pipeline pipeline = new Pipeline(LocalPipeline.options("sqlq")
      .timeouts(LEASE, Duration.ofSeconds(6)));

  private static Ec2Client ec2() {
    return pipeline.local.ec2();
  }

  private static SecurityGroupLock lock(Duration lease, Duration clockAhead) {
    return new SecurityGroupLock(ec2(), pipeline.local.config().lockVpcId(), lease,
        Clock.offset(Clock.systemUTC(), clockAhead));
  }

  private static boolean exists(Lease lease) {
    return !ec2().describeSecurityGroups(b -> b.filters(Filter.builder().name("group-id").values(lease.lockId()).build()))
        .securityGroups().isEmpty();
  }

  private static void printReport(String label, ReapReport before) {
    ReapReport now = pipeline.local.reaped();
    System.out.printf("reaper report (%s): since the case began %s; all runs so far %s%n", label,
        new ReapReport(now.seen() - before.seen(), now.expired() - before.expired(), now.deleted() - before.deleted(),
            now.errors() - before.errors()).toJson(), now.toJson());
  }

  @Test
  void anExpiredLockIsReapedAndTheNextBatchProceeds() throws Exception {
    ReapReport before = pipeline.local.reaped();
    Lease dead = lock(LEASE, Duration.ofMinutes(-1)).acquire("expired", Duration.ZERO);
    SqlqClient client = pipeline.client("expired");

    Reply reply = client.submit("SELECT 'after the reaper'").get(90, TimeUnit.SECONDS);

    printReport("expired lock", before);
    assertThat(reply.ok()).isTrue();
    assertThat(exists(dead)).isFalse();
    assertThat(pipeline.local.reaped().deleted()).isGreaterThan(before.deleted());
  }

  @Test
  void aLiveLockIsNeverReaped() throws Exception {
    ReapReport before = pipeline.local.reaped();
    Lease live = lock(Duration.ofMinutes(10), Duration.ZERO).acquire("live", Duration.ZERO);

    Thread.sleep(REAPER_PERIOD.multipliedBy(4).toMillis());

    printReport("live lock, 4 reaper periods", before);
    assertThat(exists(live)).isTrue();
    assertThat(pipeline.local.reaped().seen()).as("the reaper ran and saw it").isGreaterThan(before.seen());
    lock(LEASE, Duration.ZERO).release(live);
  }

  @Test
  void aLeaseExtendedByItsHolderSurvivesTheReaperForThreeLeases(@TempDir Path work) throws Exception {
    pipeline.client("kept").submit("CREATE TABLE t(v)").get(60, TimeUnit.SECONDS);
    ReapReport before = pipeline.local.reaped();
    ReplyCodec codec = new ReplyCodec();
    Clock clock = Clock.systemUTC();
    var store = new PageDeltaStore(pipeline.local.s3(), pipeline.local.config().bucket(),
        pipeline.local.config().keyPrefix());
    var batch = new DatabaseBatch(lock(LEASE, Duration.ZERO), store, work, BatchListener.NONE);
    Request vacuum = new Request("slow-vacuum", "kept", List.of(Statement.of("VACUUM")), null, null);
    AtomicBoolean heldAfterThreeLeases = new AtomicBoolean();

    AppliedBatch applied = batch.run("kept", Duration.ofSeconds(30), connection -> {
      sleep(LEASE.multipliedBy(3));
      heldAfterThreeLeases.set(!lockGroupsOf("kept").isEmpty());
      return new MaintenanceStatement(vacuum, codec, clock).apply(connection);
    });

    printReport("lease kept for 3 leases", before);
    assertThat(heldAfterThreeLeases).as("lock group still there after 3 leases").isTrue();
    assertThat(applied.requests().get(0).reply().ok()).isTrue();
    assertThat(pipeline.local.reaped().deleted()).as("nothing reaped meanwhile").isEqualTo(before.deleted());
  }

  @Test
  void aCrashedHolderDelaysItsDatabaseByAtMostLeasePlusGracePlusOneReaperPeriod() throws Exception {
    pipeline.client("crashed").submit("CREATE TABLE t(v)").get(60, TimeUnit.SECONDS);
    ReapReport before = pipeline.local.reaped();
    long crash = System.nanoTime();
    Lease crashed = lock(LEASE, Duration.ZERO).acquire("crashed", Duration.ZERO);
    var next = pipeline.client("crashed").submit("INSERT INTO t VALUES ('after the crash')");
    while (exists(crashed)) {
      Thread.sleep(50);
    }
    long freedMs = (System.nanoTime() - crash) / 1_000_000;
    Reply reply = next.get(90, TimeUnit.SECONDS);
    long answeredMs = (System.nanoTime() - crash) / 1_000_000;

    long boundMs = LEASE.plus(GRACE).plus(REAPER_PERIOD).toMillis();
    printReport("crashed holder", before);
    System.out.printf("crashed holder: lock freed after %d ms (lease + grace + reaper period = %d ms, ratio %.2f);"
        + " next request answered after %d ms (includes the redelivery after a %d ms visibility timeout)%n",
        freedMs, boundMs, freedMs / (double) boundMs, answeredMs, 6_000);
    assertThat(reply.ok()).isTrue();
    assertThat(freedMs).as("generous bound: 3x lease + grace + period").isLessThan(3 * boundMs);
    assertThat(freedMs).as("not before the lease ended").isGreaterThanOrEqualTo(LEASE.toMillis());
  }

  private static List<SecurityGroup> lockGroupsOf(String db) {
    return ec2().describeSecurityGroups(b -> b.filters(
        Filter.builder().name("vpc-id").values(pipeline.local.config().lockVpcId()).build(),
        Filter.builder().name("tag:sqlq:lock").values(db).build())).securityGroups();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
