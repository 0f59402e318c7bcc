package io.sqlq.reaper;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.Environment;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.aws.Endpoints;
import java.time.Duration;

/**
 * What the reaper function needs, read from its environment with the rules of
 * {@link Environment}, as every sqlq configuration is.
 *
 * @param region AWS region ({@code AWS_REGION}, which Lambda sets, else {@code AWS_DEFAULT_REGION})
 * @param endpoints AWS API endpoint overrides such as a local emulator ({@code AWS_ENDPOINT_URL},
 *     {@code AWS_ENDPOINT_URL_EC2}; see {@link Endpoints})
 * @param lockVpcId the VPC whose Security Groups are the locks ({@code SQLQ_LOCK_VPC_ID})
 * @param grace how long past its {@code expires-at} a lock is left alone
 *     ({@code SQLQ_REAPER_GRACE_MS}, 0 or more, default {@link LockReaper#DEFAULT_GRACE}: 30,000 ms)
 */
public record ReaperConfig(String region, Endpoints endpoints, String lockVpcId, Duration grace) {

  /**
   * Reads the configuration from the environment (see the record components).
   *
   * @throws ConfigurationException naming every missing variable, or an invalid one with its value
   */
  public static ReaperConfig fromEnvironment(Environment env) {
    String region = env.region();
    String vpc = env.required("SQLQ_LOCK_VPC_ID");
    env.checkRequired();
    return new ReaperConfig(region, env.endpoints(), vpc, env.millis("SQLQ_REAPER_GRACE_MS", LockReaper.DEFAULT_GRACE, 0));
  }
}
