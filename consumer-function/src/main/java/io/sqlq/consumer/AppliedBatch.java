package io.sqlq.consumer;

import java.util.List;

/**
 * The outcome of {@link BatchApplier#apply}: the database version the batch committed and one
 * entry per request, in request order.
 *
 * @param version the database version after the batch: the version before plus one when it
 *     changed the database, else the version it read
 * @param requests the requests with their replies
 * @param changed whether the batch wrote anything (a request's effect, a recorded request, the
 *     exactly-once state); false for a batch of reads and duplicates, which committed nothing and
 *     must not be published (DESIGN.md, "Consumer: one batch", steps 4 and 5)
 */
public record AppliedBatch(long version, List<AppliedRequest> requests, boolean changed) {
  public AppliedBatch {
    requests = List.copyOf(requests);
  }
}
