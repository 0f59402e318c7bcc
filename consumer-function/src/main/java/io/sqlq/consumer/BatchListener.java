package io.sqlq.consumer;

import io.sqlq.core.lock.Lease;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.util.List;

/**
 * Watches one database's batch at each step of DESIGN.md, "Consumer: one batch": the one seam
 * for what observes the consumer (fault injection in tests, per-batch timings and metrics:
 * {@link BatchMetrics}), so no production class carries checks for either. Every method has a
 * no-op default; {@link #NONE} watches nothing, and {@link #all} hears with several.
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

  /**
   * Step 1 done for {@code db}: {@code messages} records of the event decoded into
   * {@code requests} requests; its lock is asked for next. Only the queue's consumer calls this
   * ({@code sqlq exec} starts at {@link #acquired}).
   */
  default void received(String db, int messages, int requests) {}

  /** Step 2: the lock of {@code lease.db()} is held; nothing is fetched yet. */
  default void acquired(Lease lease) {}

  /**
   * Step 3: the working copy of {@code db} is current ({@code fetched} says whether it was
   * downloaded).
   *
   * @param bytes bytes downloaded: {@link Fetched.Downloaded#bytes} (the objects a catch-up read,
   *     as stored), else 0
   */
  default void fetched(String db, Fetched fetched, long bytes) {}

  /**
   * Step 4, once per request, inside the batch's transaction, after the request's savepoint was
   * released or rolled back: a throw here rolls back the whole transaction.
   */
  default void requestApplied(String db, AppliedRequest request) {}

  /** Step 4 done: the batch is committed to the working copy, nothing is published yet. */
  default void applied(String db, AppliedBatch batch) {}

  /**
   * Step 5: version {@code version} of {@code db} is published; the lock is still held.
   *
   * @param bytes bytes uploaded: the changed pages (or a snapshot) and the manifest
   */
  default void published(String db, long version, long bytes) {}

  /** Step 6: the lock of {@code db} is released after a batch that published; no reply is sent yet. */
  default void released(String db) {}

  /** Step 7: the replies of {@code db}'s batch are sent, in {@code messages} messages; its records are not yet reported done. */
  default void replied(String db, int messages) {}

  /**
   * The batch of {@code db} failed at some step (including a throw of a listener) and its
   * records are reported failed, to come back; no further step of this batch follows. Only the
   * queue's consumer calls this; a throw here is logged, not thrown.
   */
  default void failed(String db, RuntimeException failure) {}

  /**
   * A listener that hears with each of {@code listeners}, in order: each call goes to the first,
   * then the second, and so on, and a throw stops it there (so the batch fails as that listener
   * wanted, and the later ones do not hear that step). Put observers (metrics) before listeners
   * that throw (fault injection) to have them hear every step that was reached.
   */
  static BatchListener all(BatchListener... listeners) {
    List<BatchListener> each = List.of(listeners);
    return new BatchListener() {
      @Override
      public void received(String db, int messages, int requests) {
        each.forEach(l -> l.received(db, messages, requests));
      }

      @Override
      public void acquired(Lease lease) {
        each.forEach(l -> l.acquired(lease));
      }

      @Override
      public void fetched(String db, Fetched fetched, long bytes) {
        each.forEach(l -> l.fetched(db, fetched, bytes));
      }

      @Override
      public void requestApplied(String db, AppliedRequest request) {
        each.forEach(l -> l.requestApplied(db, request));
      }

      @Override
      public void applied(String db, AppliedBatch batch) {
        each.forEach(l -> l.applied(db, batch));
      }

      @Override
      public void published(String db, long version, long bytes) {
        each.forEach(l -> l.published(db, version, bytes));
      }

      @Override
      public void released(String db) {
        each.forEach(l -> l.released(db));
      }

      @Override
      public void replied(String db, int messages) {
        each.forEach(l -> l.replied(db, messages));
      }

      @Override
      public void failed(String db, RuntimeException failure) {
        each.forEach(l -> l.failed(db, failure));
      }
    };
  }
}
