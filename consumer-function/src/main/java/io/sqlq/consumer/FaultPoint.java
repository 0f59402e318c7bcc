package io.sqlq.consumer;

/**
 * The places where {@link Faults} can make a batch fail, named after the steps of DESIGN.md
 * ("Consumer: one batch"). Each simulates a crash of the consumer at that moment: the batch's
 * records are not deleted and SQS redelivers them after their visibility timeout.
 */
public enum FaultPoint {
  /** Step 2, the lock is held, nothing fetched yet. */
  AFTER_LOCK,
  /** Step 2, the working copy is current, nothing applied yet. */
  AFTER_FETCH,
  /** Step 3, inside the transaction, after a request's savepoint was released (counted per request). */
  MID_APPLY,
  /** Step 4, the working copy is committed, not yet published. */
  AFTER_COMMIT,
  /** Step 4, the file is published, the lock not yet released. */
  AFTER_PUBLISH,
  /** Step 5, the lock is released, no reply sent yet. */
  AFTER_RELEASE,
  /** Step 6, the replies are sent, the records not yet deleted (the event source's delete). */
  AFTER_REPLIES,
  /** S3 GetObject answers HTTP 503 (retryable {@link io.sqlq.core.aws.AwsCallFailedException}). */
  STORE_FETCH_5XX,
  /** S3 PutObject answers HTTP 503 before writing anything. */
  STORE_PUBLISH_5XX,
  /** S3 PutObject writes, but the answer is lost to a timeout (the write may have happened). */
  STORE_PUBLISH_TIMEOUT,
  /** S3 PutObject answers 412: a concurrent writer published first. */
  STORE_PUBLISH_CONFLICT
}
