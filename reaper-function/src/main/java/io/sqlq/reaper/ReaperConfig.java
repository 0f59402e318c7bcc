package io.sqlq.reaper;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.lock.LockReaper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the reaper function needs, read from its environment in one place.
 *
 * @param region AWS region ({@code AWS_REGION}, which Lambda sets)
 * @param endpoint an AWS API endpoint override such as a local emulator ({@code AWS_ENDPOINT_URL}),
 *     or null for AWS itself
 * @param lockVpcId the VPC whose Security Groups are the locks ({@code SQLQ_LOCK_VPC_ID})
 * @param grace how long past its {@code expires-at} a lock is left alone
 *     ({@code SQLQ_REAPER_GRACE_MS}, default 30,000 ms)
 */
public record ReaperConfig(String region, URI endpoint, String lockVpcId, Duration grace) {

  /**
   * Reads the configuration from environment variables (see the record components).
   *
   * @throws ConfigurationException naming every missing or invalid variable
   */
  public static ReaperConfig fromEnvironment(Map<String, String> env) {
    List<String> missing = new ArrayList<>();
    String region = value(env, "AWS_REGION");
    String vpc = value(env, "SQLQ_LOCK_VPC_ID");
    if (region == null) {
      missing.add("AWS_REGION");
    }
    if (vpc == null) {
      missing.add("SQLQ_LOCK_VPC_ID");
    }
    if (!missing.isEmpty()) {
      throw new ConfigurationException("missing environment variables: " + String.join(", ", missing));
    }
    String endpoint = value(env, "AWS_ENDPOINT_URL");
    return new ReaperConfig(region, endpoint == null ? null : URI.create(endpoint), vpc, grace(env));
  }

  private static Duration grace(Map<String, String> env) {
    String value = value(env, "SQLQ_REAPER_GRACE_MS");
    if (value == null) {
      return LockReaper.DEFAULT_GRACE;
    }
    try {
      long ms = Long.parseLong(value.trim());
      if (ms >= 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException("SQLQ_REAPER_GRACE_MS must be a whole number of milliseconds, 0 or more: '"
        + value + "'");
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
