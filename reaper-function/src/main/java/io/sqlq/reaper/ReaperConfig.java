package io.sqlq.reaper;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.store.StoreCollector;
import java.time.Duration;

/**
 * What the reaper function needs, read from its environment with the rules of
 * {@link Environment}, as every sqlq configuration is.
 *
 * @param region AWS region ({@code AWS_REGION}, which Lambda sets, else {@code AWS_DEFAULT_REGION})
 * @param endpoints AWS API endpoint overrides such as a local emulator ({@code AWS_ENDPOINT_URL},
 *     {@code AWS_ENDPOINT_URL_EC2}, {@code AWS_ENDPOINT_URL_S3}; see {@link Endpoints})
 * @param lockVpcId the VPC whose Security Groups are the locks ({@code SQLQ_LOCK_VPC_ID})
 * @param grace how long past its {@code expires-at} a lock is left alone
 *     ({@code SQLQ_REAPER_GRACE_MS}, 0 or more, default {@link LockReaper#DEFAULT_GRACE}: 30,000 ms)
 * @param bucket the databases bucket ({@code SQLQ_BUCKET})
 * @param keyPrefix the stack's key prefix ({@code SQLQ_PREFIX}, default empty)
 * @param storeGrace how old an object no manifest references must be before it is deleted
 *     ({@code SQLQ_GC_GRACE_MS}, 0 or more, default {@link StoreCollector#DEFAULT_GRACE}: 600,000 ms)
 * @param historyRetention how long committed versions stay restorable
 *     ({@code SQLQ_HISTORY_RETENTION_MS}, at least 1, default {@link StoreCollector#DEFAULT_RETENTION}:
 *     604,800,000 ms)
 */
public record ReaperConfig(String region, Endpoints endpoints, String lockVpcId, Duration grace, String bucket,
    String keyPrefix, Duration storeGrace, Duration historyRetention) {

  /**
   * Reads the configuration from the environment (see the record components).
   *
   * @throws ConfigurationException naming every missing variable, or an invalid one with its value
   */
  public static ReaperConfig fromEnvironment(Environment env) {
    String region = env.region();
    String vpc = env.required("SQLQ_LOCK_VPC_ID");
    String bucket = env.required("SQLQ_BUCKET");
    env.checkRequired();
    String prefix = env.optional("SQLQ_PREFIX");
    prefix = prefix == null ? "" : prefix;
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new ConfigurationException("SQLQ_PREFIX must be empty or end in '/': '" + prefix + "'");
    }
    return new ReaperConfig(region, env.endpoints(), vpc, env.millis("SQLQ_REAPER_GRACE_MS", LockReaper.DEFAULT_GRACE, 0),
        bucket, prefix, env.millis("SQLQ_GC_GRACE_MS", StoreCollector.DEFAULT_GRACE, 0),
        env.millis("SQLQ_HISTORY_RETENTION_MS", StoreCollector.DEFAULT_RETENTION, 1));
  }
}
