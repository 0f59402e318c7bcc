package io.sqlq.consumer;

import java.util.List;

/**
 * The outcome of {@link BatchApplier#apply}: the database version the batch committed and one
 * entry per request, in request order.
 *
 * @param version the database version after the batch (the version before plus one)
 * @param requests the requests with their replies
 */
public record AppliedBatch(long version, List<AppliedRequest> requests) {
  public AppliedBatch {
    requests = List.copyOf(requests);
  }
}
