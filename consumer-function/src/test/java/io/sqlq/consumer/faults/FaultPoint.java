package io.sqlq.consumer.faults;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.PublishConflictException;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The places where {@link Faults} can make a batch fail, each at one step of DESIGN.md
 * ("Consumer: one batch"), heard through {@link io.sqlq.consumer.BatchListener}. A crash point
 * simulates a consumer that dies at that moment ({@link InjectedFaultException}): the batch's
 * records are not deleted and SQS redelivers them. A store point fails as S3 would at that
 * moment, with the exception the store's adapter boundary produces
 * ({@link AwsCallFailedException#of} of the SDK exception, or {@link PublishConflictException}).
 */
public enum FaultPoint {
  /** Step 2: the lock is held, nothing fetched yet. */
  AFTER_LOCK,
  /** Step 3: the working copy is current, nothing applied yet. */
  AFTER_FETCH,
  /** Step 4, inside the transaction, after a request's savepoint was released (counted per request). */
  MID_APPLY,
  /** Step 4 done: the working copy is committed, not yet published. */
  AFTER_COMMIT,
  /** Step 5: the file is published, the lock not yet released. */
  AFTER_PUBLISH,
  /** Step 6: the lock is released, no reply sent yet. */
  AFTER_RELEASE,
  /** Step 7: the replies are sent, the records not yet reported done (so not deleted). */
  AFTER_REPLIES,
  /** Step 3: S3 GetObject answers HTTP 503 SlowDown (retryable), at the moment the fetch would start. */
  STORE_FETCH_5XX {
    @Override
    RuntimeException failure(int ordinal) {
      return slowDown("S3 GetObject");
    }
  },
  /** Step 5: S3 PutObject answers HTTP 503 SlowDown before writing anything. */
  STORE_PUBLISH_5XX {
    @Override
    RuntimeException failure(int ordinal) {
      return slowDown("S3 PutObject");
    }
  },
  /** Step 5: S3 PutObject writes, but the answer is lost to a timeout (the write happened). */
  STORE_PUBLISH_TIMEOUT {
    @Override
    RuntimeException failure(int ordinal) {
      return AwsCallFailedException.of("S3 PutObject", ApiCallTimeoutException.create(Duration.ofSeconds(30).toMillis()));
    }
  },
  /** Step 5: S3 PutObject answers 412, as when a concurrent writer published first; nothing is written. */
  STORE_PUBLISH_CONFLICT {
    @Override
    RuntimeException failure(int ordinal) {
      return new PublishConflictException("injected", "injected-etag", 412);
    }
  };

  /** What this point throws when it fires for the {@code ordinal}-th time. */
  RuntimeException failure(int ordinal) {
    return new InjectedFaultException(this, ordinal);
  }

  private static AwsCallFailedException slowDown(String operation) {
    return AwsCallFailedException.of(operation, S3Exception.builder().statusCode(503)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").errorMessage("injected").build())
        .message("injected 503 SlowDown").build());
  }
}
