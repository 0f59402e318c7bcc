package io.sqlq.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.local.MotoFixture;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;

/** The lock contract against Security Groups on a real moto_server, plus what only EC2 has. */
class SecurityGroupLockMotoTest extends DatabaseLockContract {
  private static MotoFixture moto;
  private static String lockVpc;
  private static String otherLockVpc;

  @BeforeAll
  static void startMoto() {
    moto = MotoFixture.start();
    lockVpc = moto.createVpc();
    otherLockVpc = moto.createVpc();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  protected DatabaseLock lock() {
    return lockIn(lockVpc);
  }

  @Override
  protected boolean serviceHoldsTwoLocks(String db) {
    return moto.ec2().describeSecurityGroups(b -> b.filters(
        filter("group-name", "sqlq-lock-" + db), filter("vpc-id", lockVpc))).securityGroups().size() > 1;
  }

  private static SecurityGroupLock lockIn(String vpcId) {
    return new SecurityGroupLock(moto.ec2(), vpcId, LEASE, clock());
  }

  @Test
  void acquire_createsAGroupNamedAfterTheDatabaseInTheLockVpcTaggedWithDatabaseExpiryAndHolder() {
    Lease lease = lock().acquire(db, Duration.ZERO);

    SecurityGroup group = group(lease.lockId());
    Map<String, String> tags = group.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    assertThat(group.groupName()).isEqualTo("sqlq-lock-" + db);
    assertThat(group.vpcId()).isEqualTo(lockVpc);
    assertThat(tags).containsExactlyInAnyOrderEntriesOf(Map.of(
        "sqlq:lock", db,
        "sqlq:expires-at", Long.toString(lease.expiresAt().toEpochMilli()),
        "sqlq:holder", lease.holder(),
        "sqlq:acquired-at", Long.toString(lease.expiresAt().minus(LEASE).toEpochMilli())));
  }

  @Test
  void extend_rewritesTheExpiresAtTagOfTheGroupAndNothingElse() throws Exception {
    Lease lease = lock().acquire(db, Duration.ZERO);
    Thread.sleep(20);

    Lease extended = lock().extend(lease);

    Map<String, String> tags = group(lease.lockId()).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    assertThat(tags).containsEntry("sqlq:expires-at", Long.toString(extended.expiresAt().toEpochMilli()))
        .containsEntry("sqlq:holder", lease.holder()).hasSize(4);
  }

  @Test
  void extendOfALeaseInAnotherVpc_throwsLockLost() {
    Lease elsewhere = lockIn(otherLockVpc).acquire(db, Duration.ZERO);

    assertThatThrownBy(() -> lock().extend(elsewhere)).isInstanceOf(LockLostException.class);
  }

  @Test
  void extendAnsweredWithAnotherEc2Error_failsAsAwsCallNotAsLockLost() {
    try (var endpoint = new Ec2ErrorEndpoint(503, "Unavailable")) {
      var lock = new SecurityGroupLock(endpoint.ec2(), lockVpc, LEASE, clock());
      Lease lease = new Lease(db, "sg-0123456789abcdef0", "holder", clock().instant());

      assertThatThrownBy(() -> lock.extend(lease))
          .isInstanceOfSatisfying(AwsCallFailedException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("EC2 DescribeSecurityGroups sg-0123456789abcdef0");
          });
    }
  }

  @Test
  void extendAnsweredWithInvalidGroupNotFound_throwsLockLost() {
    try (var endpoint = new Ec2ErrorEndpoint(400, "InvalidGroup.NotFound")) {
      var lock = new SecurityGroupLock(endpoint.ec2(), lockVpc, LEASE, clock());

      assertThatThrownBy(() -> lock.extend(new Lease(db, "sg-0123456789abcdef0", "holder", clock().instant())))
          .isInstanceOf(LockLostException.class);
    }
  }

  @Test
  void release_deletesTheGroup() {
    Lease lease = lock().acquire(db, Duration.ZERO);

    lock().release(lease);

    assertThat(moto.ec2().describeSecurityGroups(b -> b.filters(filter("group-name", "sqlq-lock-" + db)))
        .securityGroups()).isEmpty();
  }

  @Test
  void aGroupOfTheSameNameInAnotherVpc_doesNotHoldTheLock() {
    Lease elsewhere = lockIn(otherLockVpc).acquire(db, Duration.ZERO);

    Lease here = lock().acquire(db, Duration.ZERO);

    assertThat(here.lockId()).isNotEqualTo(elsewhere.lockId());
    assertThat(group(here.lockId()).vpcId()).isEqualTo(lockVpc);
  }

  @Test
  void acquireAnsweredWithAnotherEc2Error_failsAtOnceAsAwsCallNotAsTimeout() {
    try (var endpoint = new Ec2ErrorEndpoint(403, "UnauthorizedOperation")) {
      var lock = new SecurityGroupLock(endpoint.ec2(), lockVpc, LEASE, clock());

      assertThatThrownBy(() -> lock.acquire(db, Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(AwsCallFailedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("EC2 CreateSecurityGroup sqlq-lock-" + db, "UnauthorizedOperation");
          });
      assertThat(endpoint.requests()).as("no lock retries on errors other than InvalidGroup.Duplicate").isEqualTo(1);
    }
  }

  @Test
  void releaseAnsweredWithAnotherEc2Error_failsAsRetryableAwsCall() {
    try (var endpoint = new Ec2ErrorEndpoint(400, "DependencyViolation")) {
      var lock = new SecurityGroupLock(endpoint.ec2(), lockVpc, LEASE, clock());
      Lease lease = new Lease(db, "sg-0123456789abcdef0", "holder", clock().instant());

      assertThatThrownBy(() -> lock.release(lease))
          .isInstanceOfSatisfying(AwsCallFailedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.getMessage()).contains("EC2 DeleteSecurityGroup sg-0123456789abcdef0", "DependencyViolation");
          });
    }
  }

  @Test
  void releaseAnsweredWithInvalidGroupNotFound_succeeds() {
    try (var endpoint = new Ec2ErrorEndpoint(400, "InvalidGroup.NotFound")) {
      var lock = new SecurityGroupLock(endpoint.ec2(), lockVpc, LEASE, clock());

      lock.release(new Lease(db, "sg-0123456789abcdef0", "holder", clock().instant()));

      assertThat(endpoint.requests()).isEqualTo(1);
    }
  }

  @Test
  void releaseOfALiveLeaseAnsweredWithInvalidGroupNotFound_triesAgainBeforeCountingItReleased() {
    try (var endpoint = new Ec2ErrorEndpoint(400, "InvalidGroup.NotFound")) {
      var lock = new SecurityGroupLock(endpoint.ec2(), lockVpc, LEASE, clock());

      lock.release(new Lease(db, "sg-0123456789abcdef0", "holder", clock().instant().plus(LEASE)));

      assertThat(endpoint.requests()).as("EC2 may not see a group created a moment ago yet")
          .isEqualTo(SecurityGroupLock.RELEASE_ATTEMPTS);
    }
  }

  private static Filter filter(String name, String value) {
    return Filter.builder().name(name).values(value).build();
  }

  private static SecurityGroup group(String groupId) {
    return moto.ec2().describeSecurityGroups(b -> b.groupIds(groupId)).securityGroups().getFirst();
  }
}
