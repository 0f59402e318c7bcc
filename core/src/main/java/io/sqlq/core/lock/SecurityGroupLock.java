package io.sqlq.core.lock;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.sqlq.core.DatabaseName;
import io.sqlq.core.aws.AwsCallFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The {@link DatabaseLock} made of EC2 Security Groups (DESIGN.md, "The lock"): the lock of
 * database {@code db} is held while a Security Group named {@code sqlq-lock-<db>} exists in the
 * lock VPC. The only class that sees {@link Ec2Client}.
 *
 * <p>Why taking the lock is atomic: EC2 keeps Security Group names unique within a VPC (Amazon
 * EC2 API Reference, CreateSecurityGroup, {@code GroupName}: "Names are case-insensitive and must
 * be unique within the VPC"), so of any number of concurrent {@code CreateSecurityGroup} calls
 * for one name in one VPC exactly one succeeds and the others fail with
 * {@code InvalidGroup.Duplicate}. The tags are part of the same call ({@code TagSpecifications}),
 * and EC2 creates a resource with its tags or not at all (Amazon EC2 User Guide, "Tag your Amazon
 * EC2 resources", tagging on creation), so no holder ever exists without its expiry. Groups of
 * the same name in other VPCs are other locks. Because EC2 compares names case-insensitively,
 * databases whose names differ only in case ({@code Main}, {@code main}) share one lock on AWS:
 * more waiting, never less safety. moto, unlike EC2, rarely lets two concurrent creates of one
 * name both succeed; the conditional publish of the database store is what keeps data safe then.
 * Each held lock is one Security Group, counted against the account's per-Region Security Group
 * quota (Amazon VPC User Guide, "Amazon VPC quotas").
 *
 * <p>Tags on each lock group: {@code sqlq:lock=<db>}, {@code sqlq:expires-at=<epoch ms>} (when
 * the lease ends; the reaper may delete the group after this plus its grace),
 * {@code sqlq:holder=<random UUID of this acquire>} and {@code sqlq:acquired-at=<epoch ms>} (for
 * {@code sqlq locks list}; EC2 keeps no creation time for a Security Group).
 *
 * <p>Extending a lease ({@link #extend}) first checks with DescribeSecurityGroups (filters
 * {@code group-id}, {@code vpc-id}, {@code tag:sqlq:holder}) that the group still exists and
 * still carries this holder, then overwrites {@code sqlq:expires-at} with CreateTags (which
 * replaces the value of an existing key: Amazon EC2 API Reference, CreateTags). The check is
 * what proves the group is still this holder's lock in the lock VPC: CreateTags by id checks only
 * that the id exists (on a deleted group moto answers {@code InvalidGroup.NotFound}, which is a
 * lost lock too). Between the check and the tag the reaper could delete the group; that race is
 * harmless: the reaper deletes only groups past {@code expires-at} plus its grace, while a holder
 * extends every third of its lease, so a live holder is two thirds of a lease plus the grace away
 * from it; a tag that lands after the deletion lands on an id no new holder can have (a re-taken
 * lock is a new group with a new id), so it can neither revive the lock nor extend someone else's;
 * and if the holder nevertheless goes on, its conditional publish is refused (fencing). EC2 is
 * eventually consistent (Amazon EC2 Developer Guide, "Eventual consistency in the Amazon EC2
 * API": a group may be invisible for a moment after CreateSecurityGroup), so a check made within
 * that moment would wrongly report the lock lost; the keeper's first extension comes a third of a
 * lease after the acquire (seconds to minutes), and a wrong loss costs a redelivery, not data.
 *
 * <p>EC2 error codes relied on (Amazon EC2 API Reference, "Error codes for the Amazon EC2
 * API"): {@code InvalidGroup.Duplicate} ("The security group name already exists in the VPC")
 * from CreateSecurityGroup means the lock is held; {@code InvalidGroup.NotFound} ("The specified
 * security group does not exist") from DeleteSecurityGroup means it is already gone. Any other
 * error becomes an {@link AwsCallFailedException}. The caller needs
 * {@code ec2:CreateSecurityGroup}, {@code ec2:CreateTags} (for tag on create, and on the lock
 * groups to extend), {@code ec2:DescribeSecurityGroups} (to extend) and
 * {@code ec2:DeleteSecurityGroup}.
 *
 * <p>Thread-safe if the {@link Ec2Client} is (SDK clients are).
 */
public final class SecurityGroupLock implements DatabaseLock {
  /** Prefix of every lock group's name; the rest is the database name. */
  public static final String GROUP_NAME_PREFIX = "sqlq-lock-";
  /** Tag naming the database a lock group belongs to; the reaper lists groups by this key. */
  public static final String TAG_LOCK = "sqlq:lock";
  /** Tag holding the lease end in epoch milliseconds. */
  public static final String TAG_EXPIRES_AT = "sqlq:expires-at";
  /** Tag holding the holder id, unique per acquire. */
  public static final String TAG_HOLDER = "sqlq:holder";
  /** Tag holding the time of the acquire in epoch milliseconds. */
  public static final String TAG_ACQUIRED_AT = "sqlq:acquired-at";
  /** EC2 error code of CreateSecurityGroup when the name exists in the VPC: the lock is held. */
  static final String DUPLICATE = "InvalidGroup.Duplicate";
  /** EC2 error code of DeleteSecurityGroup when the group does not exist: already released. */
  static final String NOT_FOUND = "InvalidGroup.NotFound";

  /** DeleteSecurityGroup attempts in all while a live lease's group answers NotFound. */
  static final int RELEASE_ATTEMPTS = 4;
  private static final RetryConfig RELEASE_RETRY = RetryConfig.custom()
      .maxAttempts(RELEASE_ATTEMPTS)
      .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(250), 2.0))
      .retryOnException(e -> e instanceof Ec2Exception ec2Error && NOT_FOUND.equals(errorCode(ec2Error)))
      .build();

  private final Ec2Client ec2;
  private final String lockVpcId;
  private final Duration lease;
  private final Clock clock;
  private final LockWait wait;

  /**
   * @param ec2 the client; the caller owns and closes it
   * @param lockVpcId the VPC the lock groups are created in
   * @param lease how long after acquiring the reaper may break a lock ({@code sqlq:expires-at})
   * @param clock the clock for {@code sqlq:expires-at} and for the wait budget; it must advance
   */
  public SecurityGroupLock(Ec2Client ec2, String lockVpcId, Duration lease, Clock clock) {
    this.ec2 = Objects.requireNonNull(ec2, "ec2");
    this.lockVpcId = Objects.requireNonNull(lockVpcId, "lockVpcId");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.wait = new LockWait(clock);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each attempt is one CreateSecurityGroup call; the lease's {@code lockId} is the new group
   * id. Backoff between attempts: {@link LockWait} (full jitter from 25 ms, doubling, at most 1,000 ms).
   *
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   */
  @Override
  public Lease acquire(String db, Duration waitBudget) {
    String groupName = GROUP_NAME_PREFIX + DatabaseName.validate(db);
    return wait.await(db, waitBudget, () -> tryCreate(db, groupName));
  }

  private Optional<Lease> tryCreate(String db, String groupName) {
    String holder = UUID.randomUUID().toString();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant expiresAt = now.plus(lease);
    CreateSecurityGroupRequest request = CreateSecurityGroupRequest.builder()
        .groupName(groupName)
        .description("sqlq lock of database " + db)
        .vpcId(lockVpcId)
        .tagSpecifications(TagSpecification.builder()
            .resourceType(ResourceType.SECURITY_GROUP)
            .tags(tag(TAG_LOCK, db), tag(TAG_EXPIRES_AT, Long.toString(expiresAt.toEpochMilli())),
                tag(TAG_HOLDER, holder), tag(TAG_ACQUIRED_AT, Long.toString(now.toEpochMilli())))
            .build())
        .build();
    String operation = "EC2 CreateSecurityGroup " + groupName + " in " + lockVpcId;
    try {
      String groupId = ec2.createSecurityGroup(request).groupId();
      return Optional.of(new Lease(db, groupId, holder, expiresAt));
    } catch (Ec2Exception e) {
      if (DUPLICATE.equals(errorCode(e))) {
        return Optional.empty();
      }
      throw AwsCallFailedException.of(operation, e);
    } catch (SdkException e) {
      throw AwsCallFailedException.of(operation, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Two EC2 calls: DescribeSecurityGroups (is the group there, in the lock VPC, with this
   * holder?) and CreateTags of {@code sqlq:expires-at}. {@code InvalidGroup.NotFound} from
   * CreateTags (the group was deleted between the two) is a lost lock too. See the class
   * comment for why the race between the two calls and the reaper is harmless.
   */
  @Override
  public Lease extend(Lease lease) {
    String operation = "EC2 DescribeSecurityGroups " + lease.lockId() + " (lock of " + lease.db() + ")";
    try {
      boolean held = !ec2.describeSecurityGroups(b -> b.filters(
              filter("group-id", lease.lockId()), filter("vpc-id", lockVpcId),
              filter("tag:" + TAG_HOLDER, lease.holder())))
          .securityGroups().isEmpty();
      if (!held) {
        throw new LockLostException(lease.db(), lease.lockId());
      }
      Instant expiresAt = clock.instant().plus(this.lease).truncatedTo(ChronoUnit.MILLIS);
      operation = "EC2 CreateTags " + TAG_EXPIRES_AT + " on " + lease.lockId() + " (lock of " + lease.db() + ")";
      ec2.createTags(b -> b.resources(lease.lockId()).tags(tag(TAG_EXPIRES_AT, Long.toString(expiresAt.toEpochMilli()))));
      return lease.withExpiresAt(expiresAt);
    } catch (Ec2Exception e) {
      if (NOT_FOUND.equals(errorCode(e))) {
        throw new LockLostException(lease.db(), lease.lockId());
      }
      throw AwsCallFailedException.of(operation, e);
    } catch (SdkException e) {
      throw AwsCallFailedException.of(operation, e);
    }
  }

  /**
   * {@inheritDoc} Deletes the lease's group by id; {@code InvalidGroup.NotFound} counts as released.
   *
   * <p>While the lease has not ended, {@code InvalidGroup.NotFound} cannot be the reaper's doing,
   * and EC2 names exactly this answer for a group used right after CreateSecurityGroup (Amazon EC2
   * Developer Guide, "Eventual consistency in the Amazon EC2 API"). Taking it for released would
   * leave a group that still exists to the reaper, blocking the database for a lease plus the
   * grace after a fast batch. So until {@code expiresAt}, the delete is tried
   * {@value #RELEASE_ATTEMPTS} times in all, 250, 500 and 1,000 ms apart, before NotFound counts
   * as released. After {@code expiresAt} one NotFound is enough.
   */
  @Override
  public void release(Lease lease) {
    String operation = "EC2 DeleteSecurityGroup " + lease.lockId() + " (lock of " + lease.db() + ")";
    Runnable delete = () -> ec2.deleteSecurityGroup(b -> b.groupId(lease.lockId()));
    try {
      if (clock.instant().isBefore(lease.expiresAt())) {
        Retry.of("sqlq-release-" + lease.db(), RELEASE_RETRY).executeRunnable(delete);
      } else {
        delete.run();
      }
    } catch (Ec2Exception e) {
      if (!NOT_FOUND.equals(errorCode(e))) {
        throw AwsCallFailedException.of(operation, e);
      }
    } catch (SdkException e) {
      throw AwsCallFailedException.of(operation, e);
    }
  }

  @Override
  public Duration leaseLength() {
    return lease;
  }

  /** An EC2 filter matching one value. */
  static Filter filter(String name, String value) {
    return Filter.builder().name(name).values(value).build();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  /** The EC2 error code of {@code e}, or null when the answer had none. */
  static String errorCode(Ec2Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
