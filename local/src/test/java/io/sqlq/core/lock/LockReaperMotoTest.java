package io.sqlq.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.local.MotoFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The reaper against Security Groups on moto_server. Time is moved by giving the reaper a clock
 * ahead of the lock's, so nothing sleeps. Each case prints the reaper's report.
 */
class LockReaperMotoTest {
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static MotoFixture moto;
  private static String lockVpc;
  private static String otherVpc;

  private final String db = "db_" + UUID.randomUUID().toString().replace("-", "");

  @BeforeAll
  static void startMoto() {
    moto = MotoFixture.start();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void freshVpcs() {
    lockVpc = moto.createVpc();
    otherVpc = moto.createVpc();
  }

  private static SecurityGroupLock lock(String vpc, Duration clockAhead) {
    return new SecurityGroupLock(moto.ec2(), vpc, LEASE, Clock.offset(Clock.systemUTC(), clockAhead));
  }

  private static ReapReport reapAt(Duration clockAhead, String label) {
    ReapReport report = reaperAt(moto.ec2(), clockAhead).reap();
    System.out.println("reaper report (" + label + "): " + report.toJson());
    return report;
  }

  private static LockReaper reaperAt(Ec2Client ec2, Duration clockAhead) {
    return new LockReaper(ec2, lockVpc, GRACE, Clock.offset(Clock.systemUTC(), clockAhead));
  }

  @Test
  void aLockPastItsLeasePlusGrace_isDeletedAndCanBeTakenAgainAtOnce() {
    lock(lockVpc, Duration.ZERO).acquire(db, Duration.ZERO);

    ReapReport report = reapAt(LEASE.plus(GRACE).plusSeconds(1), "expired lock");

    assertThat(report).isEqualTo(new ReapReport(1, 1, 1, 0));
    assertThat(lock(lockVpc, Duration.ZERO).acquire(db, Duration.ZERO).db()).isEqualTo(db);
  }

  @Test
  void aLockPastItsLeaseButWithinTheGrace_isLeftAlone() {
    Lease lease = lock(lockVpc, Duration.ZERO).acquire(db, Duration.ZERO);

    ReapReport report = reapAt(LEASE.plus(GRACE).minusSeconds(2), "within grace");

    assertThat(report).isEqualTo(new ReapReport(1, 0, 0, 0));
    assertThat(lock(lockVpc, Duration.ZERO).extend(lease).holder()).isEqualTo(lease.holder());
  }

  @Test
  void aLeaseExtendedByItsHolder_survivesAReaperThatWouldHaveBrokenTheOriginalLease() {
    Lease lease = lock(lockVpc, Duration.ZERO).acquire(db, Duration.ZERO);
    Duration later = LEASE.dividedBy(3).multipliedBy(2);
    Lease extended = lock(lockVpc, later).extend(lease);

    ReapReport report = reapAt(LEASE.plus(GRACE).plusSeconds(1), "extended lease");

    assertThat(extended.expiresAt()).isAfter(lease.expiresAt().plus(later).minusSeconds(1));
    assertThat(report).isEqualTo(new ReapReport(1, 0, 0, 0));
    assertThat(lock(lockVpc, Duration.ZERO).extend(extended).holder()).isEqualTo(lease.holder());
  }

  @Test
  void anExpiredLockOfTheSameNameInAnotherVpc_isNeitherSeenNorDeleted() {
    Lease elsewhere = lock(otherVpc, Duration.ZERO).acquire(db, Duration.ZERO);

    ReapReport report = reapAt(LEASE.plus(GRACE).plusSeconds(1), "other VPC");

    assertThat(report.seen()).isZero();
    assertThat(lock(otherVpc, Duration.ZERO).extend(elsewhere).holder()).isEqualTo(elsewhere.holder());
  }

  @Test
  void aGroupWithAGarbledExpiresAt_isDeletedAndOneWithoutTheLockTag_isNotSeen() {
    String garbled = group("sqlq-lock-" + db, Tag.builder().key("sqlq:lock").value(db).build(),
        Tag.builder().key("sqlq:expires-at").value("soon").build());
    group("not-a-lock-" + db, Tag.builder().key("Name").value("x").build());

    ReapReport report = reapAt(Duration.ZERO, "garbled expires-at");

    assertThat(report).isEqualTo(new ReapReport(1, 1, 1, 0));
    assertThat(moto.ec2().describeSecurityGroups(b -> b.filters(SecurityGroupLock.filter("group-id", garbled)))
        .securityGroups()).isEmpty();
  }

  @Test
  void aGroupDeletedByOthersBetweenListingAndDeletion_countsAsDeleted() {
    lock(lockVpc, Duration.ZERO).acquire(db, Duration.ZERO);
    Ec2Client racing = new RacingEc2(moto.ec2());

    ReapReport report = reaperAt(racing, LEASE.plus(GRACE).plusSeconds(1)).reap();
    System.out.println("reaper report (deleted by another run first): " + report.toJson());

    assertThat(report).isEqualTo(new ReapReport(1, 1, 1, 0));
  }

  @Test
  void listOfLocks_showsDatabaseHolderAndTimes() {
    Lease lease = lock(lockVpc, Duration.ZERO).acquire(db, Duration.ZERO);

    assertThat(reaperAt(moto.ec2(), Duration.ZERO).list()).singleElement().satisfies(g -> {
      assertThat(g.db()).isEqualTo(db);
      assertThat(g.groupId()).isEqualTo(lease.lockId());
      assertThat(g.holder()).isEqualTo(lease.holder());
      assertThat(g.expiresAt()).isEqualTo(lease.expiresAt());
      assertThat(g.acquiredAt()).isEqualTo(lease.expiresAt().minus(LEASE));
    });
  }

  @Test
  void aListingThatFails_throwsAwsCallFailed() {
    try (var endpoint = new Ec2ErrorEndpoint(403, "UnauthorizedOperation")) {
      assertThatThrownBy(() -> reaperAt(endpoint.ec2(), Duration.ZERO).reap())
          .isInstanceOfSatisfying(AwsCallFailedException.class, e ->
              assertThat(e.getMessage()).contains("DescribeSecurityGroups", "UnauthorizedOperation"));
    }
  }

  private static String group(String name, Tag... tags) {
    return moto.ec2().createSecurityGroup(b -> b.groupName(name).description("test").vpcId(lockVpc)
        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP).tags(tags).build()))
        .groupId();
  }

  /** An EC2 client on which someone else deletes each group just before the reaper does. */
  private record RacingEc2(Ec2Client delegate) implements Ec2Client {
    @Override
    public DescribeSecurityGroupsResponse describeSecurityGroups(DescribeSecurityGroupsRequest request) {
      return delegate.describeSecurityGroups(request);
    }

    @Override
    public DeleteSecurityGroupResponse deleteSecurityGroup(DeleteSecurityGroupRequest request) {
      delegate.deleteSecurityGroup(request);
      return delegate.deleteSecurityGroup(request);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }
}
