package io.sqlq.core.lock;

import io.sqlq.core.aws.AwsCallFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Frees locks whose holder died (DESIGN.md, "The lock"): lists the lock Security Groups and
 * deletes those whose lease ended more than a grace period ago. Used by the reaper Lambda on a
 * schedule, by the local pipeline, and by {@code sqlq locks reap}; {@link #list()} also serves
 * {@code sqlq locks list}.
 *
 * <p>Rules:
 * <ul>
 *   <li>Listing: DescribeSecurityGroups with the filters {@code tag-key=sqlq:lock} and
 *       {@code vpc-id=<lock VPC>}, all pages. Never by name alone: EC2 (and moto) return
 *       same-named groups of other VPCs, which are not sqlq's locks.
 *   <li>Expired: {@code now > expires-at + grace}. A holder extends its lease every third of a
 *       lease, so a live holder is at least two thirds of a lease plus the grace away from this;
 *       the grace also covers clock skew between holder and reaper.
 *   <li>A group whose {@code sqlq:expires-at} is missing or not a number counts as expired and is
 *       deleted, with a warning. No sqlq writer makes such a group (the tags are set atomically
 *       with the group, and only {@code expires-at} is ever rewritten, always with a number), so
 *       nothing would ever release or extend it: left alone it would block its database for
 *       good, while deleting it costs at worst one refused publish (fencing).
 *   <li>Deletion is by group id, never by name: a lock released and re-taken since the listing
 *       is a new group with a new id, so a stale listing can only ever delete the old group.
 *       {@code InvalidGroup.NotFound} means the group is already gone (released, or deleted by
 *       another reaper run) and counts as deleted. Any other failure is counted in
 *       {@link ReapReport#errors()}, logged, and retried by the next run.
 *   <li>EC2 eventual consistency (Amazon EC2 Developer Guide, "Eventual consistency in the
 *       Amazon EC2 API"): a group created a moment ago may be missing from the listing. That is
 *       harmless here: such a group is fresh, far from expired, and the next run sees it. A group
 *       deleted a moment ago may still be listed; its deletion answers
 *       {@code InvalidGroup.NotFound}, which counts as done.
 * </ul>
 *
 * <p>Needs {@code ec2:DescribeSecurityGroups} and {@code ec2:DeleteSecurityGroup}.
 * Thread-safe if the {@link Ec2Client} is.
 */
public final class LockReaper {
  private static final Logger log = LoggerFactory.getLogger(LockReaper.class);
  /** Default grace past {@code expires-at}: 30,000 ms ({@code SQLQ_REAPER_GRACE_MS}). */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  private final Ec2Client ec2;
  private final String lockVpcId;
  private final Duration grace;
  private final Clock clock;

  /**
   * @param ec2 the client; the caller owns and closes it
   * @param lockVpcId the VPC holding the lock groups
   * @param grace how long past {@code expires-at} a lock is left alone, not negative
   * @param clock the clock compared with {@code expires-at}
   */
  public LockReaper(Ec2Client ec2, String lockVpcId, Duration grace, Clock clock) {
    this.ec2 = Objects.requireNonNull(ec2, "ec2");
    this.lockVpcId = Objects.requireNonNull(lockVpcId, "lockVpcId");
    this.grace = Objects.requireNonNull(grace, "grace");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace.toMillis() + " ms");
    }
  }

  /**
   * The lock groups in the lock VPC, in the order EC2 lists them.
   *
   * @throws AwsCallFailedException when DescribeSecurityGroups fails
   */
  public List<LockGroup> list() {
    try {
      return ec2.describeSecurityGroupsPaginator(b -> b.filters(
              SecurityGroupLock.filter("tag-key", SecurityGroupLock.TAG_LOCK),
              SecurityGroupLock.filter("vpc-id", lockVpcId)))
          .securityGroups().stream().map(LockReaper::lockGroup).toList();
    } catch (SdkException e) {
      throw AwsCallFailedException.of("EC2 DescribeSecurityGroups tag-key=" + SecurityGroupLock.TAG_LOCK
          + " in " + lockVpcId, e);
    }
  }

  /**
   * Deletes the lock groups past {@code expires-at} plus the grace.
   *
   * @return what it saw and did; failed deletions are counted, not thrown
   * @throws AwsCallFailedException when the listing fails (nothing was deleted)
   */
  public ReapReport reap() {
    List<LockGroup> groups = list();
    Instant now = clock.instant();
    int expired = 0;
    int deleted = 0;
    int errors = 0;
    for (LockGroup group : groups) {
      if (!isExpired(group, now)) {
        continue;
      }
      expired++;
      if (delete(group, now)) {
        deleted++;
      } else {
        errors++;
      }
    }
    return new ReapReport(groups.size(), expired, deleted, errors);
  }

  private boolean isExpired(LockGroup group, Instant now) {
    if (group.expiresAt() == null) {
      log.warn("lock group {} of database {} has no readable {} tag; deleting it, since nothing would ever free it",
          group.groupId(), group.db(), SecurityGroupLock.TAG_EXPIRES_AT);
      return true;
    }
    return now.isAfter(group.expiresAt().plus(grace));
  }

  /** Returns whether the group is gone now. */
  private boolean delete(LockGroup group, Instant now) {
    try {
      ec2.deleteSecurityGroup(b -> b.groupId(group.groupId()));
      log.info("reaped lock {} of database {} (holder {}, lease ended {} ms ago)", group.groupId(), group.db(),
          group.holder(), group.expiresAt() == null ? "?" : Duration.between(group.expiresAt(), now).toMillis());
      return true;
    } catch (SdkException e) {
      if (e instanceof Ec2Exception ec2Error && SecurityGroupLock.NOT_FOUND.equals(SecurityGroupLock.errorCode(ec2Error))) {
        return true;
      }
      log.warn("could not reap lock {} of database {}: {}", group.groupId(), group.db(), e.getMessage());
      return false;
    }
  }

  private static LockGroup lockGroup(SecurityGroup group) {
    Map<String, String> tags = group.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    return new LockGroup(tags.get(SecurityGroupLock.TAG_LOCK), group.groupId(), tags.get(SecurityGroupLock.TAG_HOLDER),
        epochMillis(tags.get(SecurityGroupLock.TAG_ACQUIRED_AT)), epochMillis(tags.get(SecurityGroupLock.TAG_EXPIRES_AT)));
  }

  private static Instant epochMillis(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
