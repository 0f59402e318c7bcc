package io.sqlq.cli;

import io.sqlq.consumer.BatchListener;
import io.sqlq.consumer.DatabaseBatch;
import io.sqlq.consumer.MaintenanceStatement;
import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A writer outside the queue ({@code sqlq exec}): takes the database's lock as the consumer
 * does, with the same lease keeper, fetches the file, runs one maintenance statement
 * ({@link MaintenanceStatement}), publishes with the same conditional write, and releases. It
 * contends with the consumers for the lock, and fencing protects both sides.
 */
public final class AdminExec {
  private final DatabaseBatch batch;
  private final ReplyCodec codec = new ReplyCodec();
  private final Clock clock;

  /**
   * @param lock the stack's lock (the {@link io.sqlq.core.lock.SecurityGroupLock} of its lock VPC,
   *     with its lease {@code SQLQ_LEASE_MS})
   * @param store the stack's store (the {@link io.sqlq.core.store.PageDeltaStore} of its bucket)
   * @param workDirectory where the working copy is kept
   */
  public AdminExec(DatabaseLock lock, DatabaseStore store, Path workDirectory, Clock clock) {
    this.batch = new DatabaseBatch(lock, store, workDirectory, BatchListener.NONE);
    this.clock = clock;
  }

  /**
   * Runs {@code statement} on database {@code db} under its lock and publishes the result.
   *
   * @param lockWaitBudget how long to wait for the lock
   * @return the reply, with the database version it published
   * @throws io.sqlq.core.lock.LockTimeoutException when the lock stayed held for the whole budget
   * @throws io.sqlq.consumer.MaintenanceFailedException when the statement failed; nothing was published
   * @throws io.sqlq.core.store.PublishConflictException when another writer published first
   *     (only possible if this writer's lock was broken)
   * @throws io.sqlq.core.lock.LockLostException when the lease was lost while it ran
   * @throws io.sqlq.core.aws.AwsCallFailedException when S3 or EC2 failed
   */
  public Reply exec(String db, Statement statement, Duration lockWaitBudget) {
    Request request = new Request("exec-" + UUID.randomUUID(), db, List.of(statement), null, null);
    return batch.run(db, lockWaitBudget, new MaintenanceStatement(request, codec, clock))
        .requests().get(0).reply();
  }
}
