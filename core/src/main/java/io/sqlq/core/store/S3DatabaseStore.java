package io.sqlq.core.store;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsCallFailedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@link DatabaseStore} on Amazon S3: one object per database, read with a conditional GET
 * and replaced only by a conditional PUT (DESIGN.md, "Consumer: one batch", steps 3 and 5). The
 * only class that sees {@link S3Client}; it converts every SDK exception into a
 * {@link io.sqlq.core.SqlqException}.
 *
 * <p>S3 rules relied on (Amazon S3 API Reference, GetObject and PutObject; Amazon S3 User Guide,
 * "How to prevent object overwrites with conditional writes"):
 * <ul>
 *   <li>GetObject with {@code If-None-Match: <etag>} answers 304 Not Modified when the object
 *       still has that ETag. The SDK raises this as an {@link S3Exception} with
 *       {@code statusCode() == 304} and no error code.
 *   <li>GetObject of a missing key answers 404 {@code NoSuchKey} ({@link NoSuchKeyException}).
 *   <li>PutObject with {@code If-Match: <etag>} or {@code If-None-Match: *} answers 412
 *       {@code PreconditionFailed} when the condition fails, and 409
 *       {@code ConditionalRequestConflict} when another conditional write to the key is in
 *       flight. With {@code If-Match} on a key that no longer exists S3 answers 404
 *       {@code NoSuchKey}: the database was deleted since it was fetched, which is a conflict
 *       too.
 *   <li>The bucket must allow the caller {@code s3:GetObject} and {@code s3:PutObject}.
 * </ul>
 *
 * <p>Thread-safe if the {@link S3Client} is (SDK clients are).
 */
public final class S3DatabaseStore implements DatabaseStore {
  /** The user metadata key holding the database version ({@code x-amz-meta-sqlq-version} on the wire). */
  public static final String VERSION_METADATA = "sqlq-version";

  private final S3Client s3;
  private final String bucket;
  private final Function<String, String> keyOf;

  /**
   * @param s3 the client; the caller owns and closes it
   * @param bucket the bucket holding the databases
   * @param keyOf maps a database name to its object key
   */
  public S3DatabaseStore(S3Client s3, String bucket, Function<String, String> keyOf) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
  }

  /**
   * Stores databases in {@code config.bucket()} under {@link SqlqConfig#databaseKey}
   * ({@code <prefix>db/<db>.sqlite}), which also validates database names.
   */
  public S3DatabaseStore(S3Client s3, SqlqConfig config) {
    this(s3, config.bucket(), config::databaseKey);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The download goes to a temp file beside {@code target} that is then renamed over it, so a
   * failed download leaves {@code target} as it was.
   *
   * @throws io.sqlq.core.aws.AwsCallFailedException for any S3 answer other than 200, 304 and
   *     404 {@code NoSuchKey} (including 404 {@code NoSuchBucket}, a configuration error), and
   *     when S3 does not answer
   * @throws DatabaseFileException when the download cannot be moved over {@code target}; a
   *     failure to write the temp file during the download is reported by the SDK and so arrives
   *     as a (retryable) {@code AwsCallFailedException} whose message names the local cause
   */
  @Override
  public Fetched fetch(String db, String cachedEtag, Path target) {
    String key = keyOf.apply(db);
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch(cachedEtag).build();
    Path temp = LocalCopy.tempBeside(target);
    try {
      GetObjectResponse response = s3.getObject(request, ResponseTransformer.toFile(temp));
      LocalCopy.moveOver(temp, target);
      return new Fetched.Downloaded(response.eTag());
    } catch (NoSuchKeyException e) {
      return new Fetched.Missing();
    } catch (S3Exception e) {
      if (e.statusCode() == 304) {
        return new Fetched.Unchanged(cachedEtag);
      }
      throw AwsCallFailedException.of("S3 GetObject " + key, e);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 GetObject " + key, e);
    } finally {
      LocalCopy.removeLeftover(temp);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws PublishConflictException on 412 or 409, and on 404 {@code NoSuchKey} when
   *     {@code expectedEtag} is set (the object was deleted since it was fetched); its
   *     {@code statusCode()} is the status S3 answered
   * @throws io.sqlq.core.aws.AwsCallFailedException for every other S3 error (reading
   *     {@code file} fails this way too, as the SDK reports it)
   */
  @Override
  public String publish(String db, Path file, String expectedEtag, long version) {
    String key = keyOf.apply(db);
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key)
        .metadata(Map.of(VERSION_METADATA, Long.toString(version)));
    if (expectedEtag == null) {
      request.ifNoneMatch("*");
    } else {
      request.ifMatch(expectedEtag);
    }
    try {
      return s3.putObject(request.build(), RequestBody.fromFile(file)).eTag();
    } catch (S3Exception e) {
      if (isConflict(e, expectedEtag)) {
        throw new PublishConflictException(key, expectedEtag, e.statusCode());
      }
      throw AwsCallFailedException.of("S3 PutObject " + key, e);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 PutObject " + key, e);
    }
  }

  private static boolean isConflict(S3Exception e, String expectedEtag) {
    return switch (e.statusCode()) {
      case 412, 409 -> true;
      case 404 -> expectedEtag != null && e.awsErrorDetails() != null
          && "NoSuchKey".equals(e.awsErrorDetails().errorCode());
      default -> false;
    };
  }
}
