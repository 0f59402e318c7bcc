package io.sqlq.consumer.faults;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.PublishConflictException;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The places where {@link Faults} can make a batch fail, each at one step of DESIGN.md
 * ("Consumer: one batch"). Most are heard through {@link io.sqlq.consumer.BatchListener}, between
 * the store's calls; {@link #STORE_BEFORE_MANIFEST}, {@link #STORE_MANIFEST_REFUSED} and
 * {@link #STORE_MANIFEST_ANSWER_LOST} are heard inside the store's publish, by {@link Faults#s3Interceptor()} on the consumers' S3 client,
 * at the manifest PutObject. A crash point simulates a consumer that dies at that moment
 * ({@link InjectedFaultException}): the batch's records are not deleted and SQS redelivers them. A
 * store point heard by the listener fails as S3 would at that moment, with the exception the
 * store's adapter boundary produces ({@link AwsCallFailedException#of} of the SDK exception, or
 * {@link PublishConflictException}); one heard in the S3 client throws what the SDK would, and the
 * store maps it itself.
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
  /**
   * Step 5, after the store's publish returned: the publish is committed, yet the batch fails with a
   * timeout, as when the manifest's answer was lost and the store could not learn the outcome
   * either (its read of the manifest failed too). The redelivery answers from the stored replies.
   * A lost answer that the store does resolve is {@link #STORE_MANIFEST_ANSWER_LOST}.
   */
  STORE_PUBLISH_TIMEOUT {
    @Override
    RuntimeException failure(int ordinal) {
      return AwsCallFailedException.of("S3 PutObject", lostAnswer());
    }
  },
  /**
   * Step 5, before the store's publish: the publish is refused with 412, as when a concurrent writer
   * published first; nothing is written (a refusal at the manifest write itself, after the delta
   * upload, is tested on the store: {@code PageDeltaStoreMotoTest}).
   */
  STORE_PUBLISH_CONFLICT {
    @Override
    RuntimeException failure(int ordinal) {
      return new PublishConflictException("injected", "injected-etag", 412);
    }
  },
  /**
   * Step 5, inside the store's publish: the delta or snapshot is uploaded, and the consumer dies
   * before it sends the manifest PutObject, so nothing of the manifest is written and the
   * uploaded object is an orphan. Heard in {@code beforeExecution}, which the SDK runs once per
   * call before any attempt; it lets the crash out unwrapped.
   */
  STORE_BEFORE_MANIFEST,
  /**
   * Step 5, inside the store's publish: the delta or snapshot is uploaded, and S3 refuses the
   * manifest PutObject with 412 Precondition Failed, as it refuses a stale consumer after another
   * writer committed; nothing of the manifest is written. The store reads the manifest back, finds
   * another head than its own, and the batch fails with {@link PublishConflictException}. Heard in
   * {@code beforeExecution}, which lets the SDK's {@link S3Exception} out as S3 would send it.
   */
  STORE_MANIFEST_REFUSED {
    @Override
    RuntimeException failure(int ordinal) {
      return S3Exception.builder().statusCode(412)
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("PreconditionFailed")
              .errorMessage("At least one of the pre-conditions you specified did not hold").build())
          .message("injected 412 PreconditionFailed").build();
    }
  },
  /**
   * Step 5, inside the store's publish: S3 performs the manifest PutObject, and its answer is lost:
   * the call throws the SDK's {@link ApiCallTimeoutException} (an {@code SdkClientException}, as
   * when the API call timeout ends a call whose request S3 already took). The publish committed, and
   * the store must find that out from the manifest. Heard in {@code afterExecution}, which the SDK
   * runs once per call after its retries, so the exception is neither retried nor rewritten.
   */
  STORE_MANIFEST_ANSWER_LOST {
    @Override
    RuntimeException failure(int ordinal) {
      return lostAnswer();
    }
  };

  /** What this point throws when it fires for the {@code ordinal}-th time. */
  RuntimeException failure(int ordinal) {
    return new InjectedFaultException(this, ordinal);
  }

  /** What the SDK throws when a call outlives its API call timeout (here 30,000 ms). */
  private static ApiCallTimeoutException lostAnswer() {
    return ApiCallTimeoutException.create(Duration.ofSeconds(30).toMillis());
  }

  private static AwsCallFailedException slowDown(String operation) {
    return AwsCallFailedException.of(operation, S3Exception.builder().statusCode(503)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").errorMessage("injected").build())
        .message("injected 503 SlowDown").build());
  }
}
