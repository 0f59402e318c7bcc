package io.sqlq.consumer;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PublishConflictException;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link DatabaseStore} that fails as S3 can, when {@link Faults} says so, and otherwise
 * passes every call to the store it wraps (the fault-injecting store wrapper of psanford/s3db).
 * The failures are the ones the adapter boundary produces, built by
 * {@link AwsCallFailedException#of} from the SDK exception S3 would cause:
 * <ul>
 *   <li>{@link FaultPoint#STORE_FETCH_5XX}, {@link FaultPoint#STORE_PUBLISH_5XX}: HTTP 503
 *       SlowDown, before the call reaches the store;
 *   <li>{@link FaultPoint#STORE_PUBLISH_TIMEOUT}: the publish reaches the store, then the answer
 *       is lost to an API call timeout, so the caller cannot know the write happened;
 *   <li>{@link FaultPoint#STORE_PUBLISH_CONFLICT}: a 412 {@link PublishConflictException}, as when
 *       a concurrent writer published first; nothing is written.
 * </ul>
 */
public final class FaultyDatabaseStore implements DatabaseStore {
  private final DatabaseStore delegate;
  private final Faults faults;

  public FaultyDatabaseStore(DatabaseStore delegate, Faults faults) {
    this.delegate = delegate;
    this.faults = faults;
  }

  @Override
  public Fetched fetch(String db, String cachedEtag, Path target) {
    if (faults.fire(FaultPoint.STORE_FETCH_5XX)) {
      throw slowDown("S3 GetObject " + db);
    }
    return delegate.fetch(db, cachedEtag, target);
  }

  @Override
  public String publish(String db, Path file, String expectedEtag, long version) {
    if (faults.fire(FaultPoint.STORE_PUBLISH_5XX)) {
      throw slowDown("S3 PutObject " + db);
    }
    if (faults.fire(FaultPoint.STORE_PUBLISH_CONFLICT)) {
      throw new PublishConflictException(db, expectedEtag, 412);
    }
    String etag = delegate.publish(db, file, expectedEtag, version);
    if (faults.fire(FaultPoint.STORE_PUBLISH_TIMEOUT)) {
      throw AwsCallFailedException.of("S3 PutObject " + db,
          ApiCallTimeoutException.create(Duration.ofSeconds(30).toMillis()));
    }
    return etag;
  }

  private static AwsCallFailedException slowDown(String operation) {
    return AwsCallFailedException.of(operation, S3Exception.builder().statusCode(503)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").errorMessage("injected").build())
        .message("injected 503 SlowDown").build());
  }
}
