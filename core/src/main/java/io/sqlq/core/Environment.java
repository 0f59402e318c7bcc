package io.sqlq.core;

import io.sqlq.core.aws.Endpoints;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one reader of environment variables in sqlq: the consumer, the reaper, the SDK and the CLI
 * read their settings through it, so every variable follows the same rules. A variable that is
 * unset or blank counts as unset; a region is {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION};
 * a duration is a whole number of milliseconds; a bad value is a {@link ConfigurationException}
 * that names the variable and the value; missing required variables are collected and named
 * together by {@link #checkRequired()}.
 *
 * <p>Not thread-safe: read one configuration per instance.
 */
public final class Environment {
  /** The AWS region; Lambda sets it. */
  public static final String AWS_REGION = "AWS_REGION";
  /** The region the AWS CLI reads when {@link #AWS_REGION} is unset. */
  public static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";
  /** An AWS API endpoint override, such as a local emulator (the SDKs' standard variable). */
  public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
  /** S3's own endpoint override, winning over {@link #AWS_ENDPOINT_URL} (the SDKs' standard variable). */
  public static final String AWS_ENDPOINT_URL_S3 = "AWS_ENDPOINT_URL_S3";
  /** SQS's own endpoint override, winning over {@link #AWS_ENDPOINT_URL} (the SDKs' standard variable). */
  public static final String AWS_ENDPOINT_URL_SQS = "AWS_ENDPOINT_URL_SQS";
  /** EC2's own endpoint override, winning over {@link #AWS_ENDPOINT_URL} (the SDKs' standard variable). */
  public static final String AWS_ENDPOINT_URL_EC2 = "AWS_ENDPOINT_URL_EC2";

  private final Map<String, String> variables;
  private final List<String> missing = new ArrayList<>();

  /** @param variables the variables to read, usually {@link System#getenv()} */
  public Environment(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  /** The process's environment: the only call of {@link System#getenv()} in sqlq. */
  public static Environment system() {
    return new Environment(System.getenv());
  }

  /** The value of {@code name}, or null when it is unset or blank. */
  public String optional(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The value of {@code name}; when unset, null, and the name is kept for {@link #checkRequired()}. */
  public String required(String name) {
    String value = optional(name);
    if (value == null) {
      missing.add(name);
    }
    return value;
  }

  /** {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}; when neither is set, null, kept for {@link #checkRequired()}. */
  public String region() {
    String region = optional(AWS_REGION);
    region = region != null ? region : optional(AWS_DEFAULT_REGION);
    if (region == null) {
      missing.add(AWS_REGION);
    }
    return region;
  }

  /**
   * The endpoints {@code AWS_ENDPOINT_URL} and the per-service {@code AWS_ENDPOINT_URL_S3},
   * {@code _SQS} and {@code _EC2} name ({@link Endpoints}); {@link Endpoints#AWS} when none is set.
   *
   * @throws ConfigurationException when one is not an absolute http or https URL
   */
  public Endpoints endpoints() {
    return new Endpoints(url(AWS_ENDPOINT_URL), url(AWS_ENDPOINT_URL_S3), url(AWS_ENDPOINT_URL_SQS),
        url(AWS_ENDPOINT_URL_EC2));
  }

  private URI url(String name) {
    String value = optional(name);
    if (value == null) {
      return null;
    }
    try {
      URI uri = URI.create(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ConfigurationException(name + " must be an http or https URL, not '" + value + "'");
  }

  /**
   * The duration {@code name} gives in whole milliseconds, or {@code fallback} when it is unset.
   *
   * @param min the smallest value allowed, in ms (0 or 1 in practice)
   * @throws ConfigurationException when it is not a whole number of milliseconds, or below {@code min}
   */
  public Duration millis(String name, Duration fallback, long min) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    long ms;
    try {
      ms = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + " must be a whole number of milliseconds, not '" + value + "'");
    }
    if (ms < min) {
      throw new ConfigurationException(name + " must be at least " + min + " ms, not '" + value + "'");
    }
    return Duration.ofMillis(ms);
  }

  /**
   * @throws ConfigurationException naming every variable that {@link #required} or {@link #region}
   *     found missing, in the order they were asked for
   */
  public void checkRequired() {
    if (!missing.isEmpty()) {
      throw new ConfigurationException("missing environment variables: " + String.join(", ", missing)
          + " (`sqlq local up` prints them for a local stack, `sqlq config from-stack` for a deployed one)");
    }
  }
}
