package io.sqlq.core.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one run of {@link LockReaper#reap()} did, logged and returned as one JSON line such as
 * {@code {"seen":3,"expired":1,"deleted":1,"errors":0}}.
 *
 * @param seen lock groups listed in the lock VPC
 * @param expired of those, the ones past {@code expires-at} plus the grace (or with no readable
 *     {@code expires-at})
 * @param deleted of those, the ones now gone (deleted, or already gone: {@code InvalidGroup.NotFound})
 * @param errors of those, the ones whose deletion failed; the next run tries again
 */
public record ReapReport(int seen, int expired, int deleted, int errors) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The sum of two reports, for a total over several runs. */
  public ReapReport plus(ReapReport other) {
    return new ReapReport(seen + other.seen, expired + other.expired, deleted + other.deleted,
        errors + other.errors);
  }

  /** This report as one line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("four integers always serialize", e);
    }
  }
}
