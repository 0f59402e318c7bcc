package io.sqlq.core.lock;

import java.time.Instant;

/**
 * One lock Security Group as DescribeSecurityGroups shows it (see {@link SecurityGroupLock} for
 * the tags).
 *
 * @param db the database ({@code sqlq:lock})
 * @param groupId the Security Group id
 * @param holder the holder id ({@code sqlq:holder}), null when the tag is missing
 * @param acquiredAt when the lock was taken ({@code sqlq:acquired-at}), null when the tag is
 *     missing or not a number (groups made before the tag existed)
 * @param expiresAt when the lease ends ({@code sqlq:expires-at}), null when the tag is missing
 *     or not a number
 */
public record LockGroup(String db, String groupId, String holder, Instant acquiredAt, Instant expiresAt) {}
