package io.sqlq.consumer;

import io.sqlq.core.lock.Lease;
import io.sqlq.core.store.DatabaseStore.Fetched;

/**
 * Watches one database's batch at each step of DESIGN.md, "Consumer: one batch": the one seam
 * for what observes the consumer (fault injection in tests, per-batch timings and metrics),
 * so no production class carries checks for either. Every method has a no-op default;
 * {@link #NONE} watches nothing.
 *
 * <p>Calls come on the thread that runs the batch, in step order, and only for steps that were
 * reached. A listener that throws fails the database's batch exactly as a crash at that moment
 * would (its records are not deleted and come back), which is what fault injection relies on;
 * a listener that only observes must not throw. Listeners must be thread-safe when one is
 * shared by several consumers.
 */
public interface BatchListener {
  /** Watches nothing. */
  BatchListener NONE = new BatchListener() {};

  /** Step 2: the lock of {@code lease.db()} is held; nothing is fetched yet. */
  default void acquired(Lease lease) {}

  /** Step 3: the working copy of {@code db} is current ({@code fetched} says whether it was downloaded). */
  default void fetched(String db, Fetched fetched) {}

  /**
   * Step 4, once per request, inside the batch's transaction, after the request's savepoint was
   * released or rolled back: a throw here rolls back the whole transaction.
   */
  default void requestApplied(String db, AppliedRequest request) {}

  /** Step 4 done: the batch is committed to the working copy, nothing is published yet. */
  default void applied(String db, AppliedBatch batch) {}

  /** Step 5: version {@code version} of {@code db} is published; the lock is still held. */
  default void published(String db, long version) {}

  /** Step 6: the lock of {@code db} is released after a batch that published; no reply is sent yet. */
  default void released(String db) {}

  /** Step 7: the replies of {@code db}'s batch are sent, in {@code messages} messages; its records are not yet reported done. */
  default void replied(String db, int messages) {}
}
