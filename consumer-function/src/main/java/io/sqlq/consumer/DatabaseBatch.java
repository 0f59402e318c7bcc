package io.sqlq.consumer;

import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.sqlite.HardenedSqlite;
import io.sqlq.core.store.DatabaseStore.Fetched;
import io.sqlq.core.store.DatabaseStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 2 to 6 of the batch for one database (DESIGN.md, "Consumer: one batch"): acquire the
 * lock, fetch the working copy, apply (the {@link ApplyStep} it is given), publish with a
 * conditional write unless the step changed nothing ({@link AppliedBatch#changed()}), release the
 * lock. Any failure leaves the store untouched (or, after a
 * refused publish, as the other writer left it) and is thrown, so the caller fails the
 * database's records and SQS redelivers them. Its {@link BatchListener} hears each step.
 *
 * <p>While the lock is held a {@link LeaseKeeper} extends its lease every third of a lease; if an
 * extension finds the lock lost, the batch stops before publishing with
 * {@link io.sqlq.core.lock.LockLostException} (the conditional publish would refuse a stale
 * write anyway; stopping saves the upload).
 */
public final class DatabaseBatch {
  private static final Logger log = LoggerFactory.getLogger(DatabaseBatch.class);

  private final DatabaseLock lock;
  private final DatabaseStore store;
  private final WorkingCopies copies;
  private final BatchListener listener;
  private final LeaseKeeper keeper;

  /**
   * @param workDirectory where database copies are kept between batches (Lambda: under /tmp)
   * @param listener hears each step; {@link BatchListener#NONE} in production unless metrics are wanted
   */
  public DatabaseBatch(DatabaseLock lock, DatabaseStore store, Path workDirectory, BatchListener listener) {
    this.lock = lock;
    this.store = store;
    this.copies = new WorkingCopies(workDirectory);
    this.listener = listener;
    this.keeper = new LeaseKeeper(lock);
  }

  /** Step 4 on the open working copy: what a batch does to the database. */
  @FunctionalInterface
  public interface ApplyStep {
    /**
     * @param connection the working copy, in auto-commit mode; leave it so
     * @return the replies, and the new database version (the version before plus one), or the
     *     version read when it changed nothing and committed nothing
     */
    AppliedBatch apply(Connection connection) throws SQLException;
  }

  /**
   * Runs steps 2 to 6 on database {@code db} with {@code step} as step 4: the batch of the queue
   * ({@link BatchApplier}), or one maintenance statement of {@code sqlq exec}
   * ({@link MaintenanceStatement}) under the same lock, lease keeper and conditional publish.
   *
   * @param lockWaitBudget the longest time to wait for the database's lock
   * @return the applied batch; its replies may be sent: the file holding them is published, or,
   *     when the batch changed nothing, still the one in the store
   * @throws io.sqlq.core.lock.LockTimeoutException when the lock stayed held (retryable)
   * @throws io.sqlq.core.lock.LockLostException when the lease was lost while the batch ran
   *     (retryable)
   * @throws io.sqlq.core.store.PublishConflictException when another writer published first
   *     (retryable)
   * @throws io.sqlq.core.aws.AwsCallFailedException when S3 or EC2 failed
   * @throws BatchAbortedException when SQLite failed in a way that ends the batch (retryable)
   */
  public AppliedBatch run(String db, Duration lockWaitBudget, ApplyStep step) {
    Lease lease = lock.acquire(db, lockWaitBudget);
    RuntimeException failure = null;
    try (LeaseKeeper.Kept kept = keeper.keep(lease)) {
      listener.acquired(lease);
      Path file = copies.path(db);
      String baseEtag = fetch(db, file);
      AppliedBatch batch = apply(db, file, step);
      listener.applied(db, batch);
      kept.checkHeld();
      if (!batch.changed()) {
        // Rolled back: the copy is still the one fetched (none for a database not yet created).
        if (baseEtag != null) {
          copies.remember(db, baseEtag);
        }
        return batch;
      }
      DatabaseStore.Published published = store.publish(db, file, baseEtag, batch.version());
      copies.remember(db, published.etag());
      listener.published(db, batch.version(), published.bytesUploaded());
      return batch;
    } catch (RuntimeException e) {
      failure = e;
      copies.forget(db);
      throw e;
    } finally {
      release(lease, failure);
    }
  }

  /** Step 3: brings the working copy up to date; returns the ETag it matches, null if new. */
  private String fetch(String db, Path file) {
    Fetched fetched = store.fetch(db, copies.etag(db), file);
    String etag = switch (fetched) {
      case Fetched.Unchanged u -> u.etag();
      case Fetched.Downloaded d -> d.etag();
      case Fetched.Missing m -> {
        copies.forget(db);
        yield null;
      }
    };
    listener.fetched(db, fetched, fetched instanceof Fetched.Downloaded d ? d.bytes() : 0);
    return etag;
  }

  /** Step 4 on the working copy. */
  private AppliedBatch apply(String db, Path file, ApplyStep step) {
    try (Connection connection = HardenedSqlite.open(file)) {
      return step.apply(connection);
    } catch (SQLException e) {
      throw new BatchAbortedException(db, "SQLite: " + e.getMessage(), e);
    }
  }

  /**
   * Step 6: always runs; a failed release is logged, since the lease expires on its own. After a
   * batch that published, the listener hears it (and may still fail the batch, as a crash would).
   */
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
    if (failure == null) {
      listener.released(lease.db());
    }
  }
}
