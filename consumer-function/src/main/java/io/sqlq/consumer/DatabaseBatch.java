package io.sqlq.consumer;

import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 2 to 5 of the batch for one database (DESIGN.md, "Consumer: one batch"): acquire the
 * lock, fetch the file, apply the requests, publish with a conditional write, release the lock.
 * Any failure leaves the store untouched (or, after a refused publish, as the other writer left
 * it) and is thrown, so the caller fails the database's records and SQS redelivers them.
 */
public final class DatabaseBatch {
  private static final Logger log = LoggerFactory.getLogger(DatabaseBatch.class);

  private final DatabaseLock lock;
  private final DatabaseStore store;
  private final BatchApplier applier;
  private final WorkingCopies copies;
  private final Faults faults;

  /**
   * @param workDirectory where database copies are kept between batches (Lambda: under /tmp)
   * @param faults checked after each step ({@link FaultPoint}); unarmed in production
   */
  public DatabaseBatch(DatabaseLock lock, DatabaseStore store, BatchApplier applier, Path workDirectory,
      Faults faults) {
    this.lock = lock;
    this.store = store;
    this.applier = applier;
    this.copies = new WorkingCopies(workDirectory);
    this.faults = faults;
  }

  /** A batch without fault injection. */
  public DatabaseBatch(DatabaseLock lock, DatabaseStore store, BatchApplier applier, Path workDirectory) {
    this(lock, store, applier, workDirectory, new Faults());
  }

  /**
   * Applies {@code requests} to database {@code db} and publishes the result.
   *
   * @param requests the database's requests in queue order, at least one
   * @param lockWaitBudget the longest time to wait for the database's lock
   * @return the applied batch; its replies may be sent, the file holding them is published
   * @throws io.sqlq.core.lock.LockTimeoutException when the lock stayed held (retryable)
   * @throws io.sqlq.core.store.PublishConflictException when another writer published first
   *     (retryable)
   * @throws io.sqlq.core.aws.AwsCallFailedException when S3 or EC2 failed
   * @throws BatchAbortedException when SQLite failed in a way that ends the batch (retryable)
   */
  public AppliedBatch run(String db, List<Request> requests, Duration lockWaitBudget) {
    Lease lease = lock.acquire(db, lockWaitBudget);
    RuntimeException failure = null;
    try {
      faults.check(FaultPoint.AFTER_LOCK);
      Path file = copies.path(db);
      String baseEtag = fetch(db, file);
      faults.check(FaultPoint.AFTER_FETCH);
      AppliedBatch batch = apply(db, file, requests);
      faults.check(FaultPoint.AFTER_COMMIT);
      String etag = store.publish(db, file, baseEtag, batch.version());
      copies.remember(db, etag);
      faults.check(FaultPoint.AFTER_PUBLISH);
      return batch;
    } catch (RuntimeException e) {
      failure = e;
      copies.forget(db);
      throw e;
    } finally {
      release(lease, failure);
    }
  }

  /** Step 2: brings the working copy up to date; returns the ETag it matches, null if new. */
  private String fetch(String db, Path file) {
    Fetched fetched = store.fetch(db, copies.etag(db), file);
    return switch (fetched) {
      case Fetched.Unchanged u -> u.etag();
      case Fetched.Downloaded d -> d.etag();
      case Fetched.Missing m -> {
        copies.forget(db);
        yield null;
      }
    };
  }

  /** Step 3: one transaction on the working copy. */
  private AppliedBatch apply(String db, Path file, List<Request> requests) {
    try (Connection connection = HardenedSqlite.open(file)) {
      return applier.apply(connection, requests);
    } catch (SQLException e) {
      throw new BatchAbortedException(db, "SQLite: " + e.getMessage(), e);
    }
  }

  /** Step 5: always runs; a failed release is logged, since the lease expires on its own. */
  private void release(Lease lease, RuntimeException failure) {
    try {
      lock.release(lease);
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        log.warn("could not release the lock of {} (the reaper frees it after its lease): {}", lease.db(), e.getMessage());
      }
    }
  }
}
