package io.sqlq.client;

import java.util.List;

/**
 * What {@link DeadLetterQueue#replay} did.
 *
 * @param replayed the messages sent back to the request queue (and deleted from the dead-letter
 *     queue), in the order they were sent; with {@code dryRun}, the ones that would have been
 * @param dryRun whether nothing was sent or deleted
 */
public record ReplayReport(List<DeadLetter> replayed, boolean dryRun) {
  public ReplayReport {
    replayed = List.copyOf(replayed);
  }
}
