package io.sqlq.core.store;

import io.sqlq.core.aws.AwsCallFailedException;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseBytes;
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
 * The S3 calls of the database store, on one bucket: the only class of the store that sees
 * {@link S3Client}, converting SDK exceptions into sqlq's at this boundary.
 *
 * <p>S3 rules relied on (Amazon S3 API Reference, GetObject and PutObject; Amazon S3 User Guide,
 * "How to prevent object overwrites with conditional writes"):
 * <ul>
 *   <li>GetObject with {@code If-None-Match: <etag>} answers 304 when the object still has that
 *       ETag; the SDK raises it as an {@link S3Exception} with status 304 and no error code.
 *   <li>GetObject of a missing key answers 404 {@code NoSuchKey} ({@link NoSuchKeyException});
 *       without {@code s3:ListBucket} it answers 403, so the roles have it.
 *   <li>PutObject with {@code If-Match} or {@code If-None-Match: *} answers 412 when the condition
 *       fails, 409 {@code ConditionalRequestConflict} while another conditional write to the key
 *       is in flight, and 404 {@code NoSuchKey} for {@code If-Match} on a deleted key. Only single
 *       PutObject is used: moto ignores {@code If-Match} on CompleteMultipartUpload.
 * </ul>
 */
final class S3Objects {
  private final S3Client s3;
  private final String bucket;

  S3Objects(S3Client s3, String bucket) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
  }

  /** What a conditional read found. */
  sealed interface Read {
    /** {@code bytes} is empty for a download to a file; {@code metadata} is the user metadata. */
    record Found(byte[] bytes, String etag, Map<String, String> metadata) implements Read {}

    record NotModified() implements Read {}

    record Missing() implements Read {}
  }

  /**
   * Reads {@code key} whole unless it still has {@code ifNoneMatch} (null: unconditionally).
   *
   * @throws AwsCallFailedException for any answer but 200, 304 and 404 {@code NoSuchKey}
   */
  Read read(String key, String ifNoneMatch) {
    return get(key, ifNoneMatch, request -> {
      ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(request);
      return new Read.Found(bytes.asByteArray(), bytes.response().eTag(), bytes.response().metadata());
    });
  }

  /**
   * Reads an object that must exist.
   *
   * @throws ObjectGoneException on 404 {@code NoSuchKey}
   * @throws AwsCallFailedException for any other failure
   */
  byte[] readExisting(String key) {
    return switch (read(key, null)) {
      case Read.Found f -> f.bytes();
      case Read.Missing m -> throw new ObjectGoneException(key);
      case Read.NotModified n -> throw new IllegalStateException("unconditional GET answered 304");
    };
  }

  /**
   * Downloads {@code key} into {@code file}, which must not exist, unless the object still has
   * {@code ifNoneMatch} (null: unconditionally); a {@code zstd} object (one Zstandard frame, RFC
   * 8878) is decompressed on the way, without holding it in memory.
   *
   * @return the object's ETag and metadata, or {@link Read.NotModified}/{@link Read.Missing}
   * @throws AwsCallFailedException for any other answer
   * @throws CorruptDatabaseException when a {@code zstd} object does not decompress
   * @throws DatabaseFileException when {@code file} cannot be written (the SDK wraps what its
   *     response transformer throws; this unwraps both)
   */
  Read download(String key, String ifNoneMatch, Path file, boolean zstd) {
    return get(key, ifNoneMatch, request -> {
      GetObjectResponse response = zstd ? s3.getObject(request, (answer, body) -> decompress(key, body, file, answer))
          : s3.getObject(request, ResponseTransformer.toFile(file));
      return new Read.Found(new byte[0], response.eTag(), response.metadata());
    });
  }

  /**
   * Decompresses {@code body} into {@code file}. A failure to read the body (the connection's)
   * is thrown as it is, so the SDK reports it as a failed call; a failure to write the file is a
   * {@link DatabaseFileException}, and a body that is not Zstandard a {@link CorruptDatabaseException}.
   */
  private static GetObjectResponse decompress(String key, InputStream body, Path file, GetObjectResponse answer)
      throws IOException {
    OutputStream out;
    try {
      out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new DatabaseFileException(file, "create", e);
    }
    try (InputStream in = new ZstdInputStream(body); out) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          throw new DatabaseFileException(file, "write", e);
        }
      }
      return answer;
    } catch (ZstdIOException e) {
      throw new CorruptDatabaseException("object " + key + " does not decompress: " + e.getMessage());
    }
  }

  /**
   * One GetObject of {@code key} ({@code If-None-Match} when {@code ifNoneMatch} is not null),
   * answered by {@code call} on 200; 404 {@code NoSuchKey} is {@link Read.Missing}, 304
   * {@link Read.NotModified}, anything else {@link AwsCallFailedException}.
   */
  private Read get(String key, String ifNoneMatch, java.util.function.Function<GetObjectRequest, Read> call) {
    try {
      return call.apply(GetObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch(ifNoneMatch).build());
    } catch (NoSuchKeyException e) {
      return new Read.Missing();
    } catch (S3Exception e) {
      if (e.statusCode() == 304) {
        return new Read.NotModified();
      }
      throw AwsCallFailedException.of("S3 GetObject " + key, e);
    } catch (SdkException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof CorruptDatabaseException || cause instanceof DatabaseFileException) {
          throw (RuntimeException) cause;
        }
      }
      throw AwsCallFailedException.of("S3 GetObject " + key, e);
    }
  }

  /**
   * Writes a new immutable object: {@code If-None-Match: *}.
   *
   * @throws PublishConflictException on 412 (the random key was taken, which does not happen)
   * @throws AwsCallFailedException for any other failure
   */
  void create(String key, RequestBody body, Map<String, String> metadata) {
    put(key, body, metadata, null, true);
  }

  /**
   * Writes {@code key} with {@code If-Match: expectedEtag}, or {@code If-None-Match: *} when it is
   * null.
   *
   * @return the new ETag
   * @throws PublishConflictException on 412, 409, or 404 {@code NoSuchKey} with {@code If-Match}
   * @throws AwsCallFailedException for any other failure
   */
  String replace(String key, RequestBody body, Map<String, String> metadata, String expectedEtag) {
    return put(key, body, metadata, expectedEtag, expectedEtag == null);
  }

  private String put(String key, RequestBody body, Map<String, String> metadata, String ifMatch, boolean ifNoneMatch) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key).metadata(metadata);
    if (ifNoneMatch) {
      request.ifNoneMatch("*");
    } else {
      request.ifMatch(ifMatch);
    }
    try {
      return s3.putObject(request.build(), body).eTag();
    } catch (S3Exception e) {
      if (isConflict(e, ifMatch)) {
        throw new PublishConflictException(key, ifMatch, e.statusCode());
      }
      throw AwsCallFailedException.of("S3 PutObject " + key, e);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 PutObject " + key, e);
    }
  }

  private static boolean isConflict(S3Exception e, String ifMatch) {
    return switch (e.statusCode()) {
      case 412, 409 -> true;
      case 404 -> ifMatch != null && e.awsErrorDetails() != null
          && "NoSuchKey".equals(e.awsErrorDetails().errorCode());
      default -> false;
    };
  }

  /** An object a manifest named is gone: the reaper deleted it after a newer manifest dropped it. */
  static final class ObjectGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ObjectGoneException(String key) {
      super("S3 object " + key + " is gone", null, false, false);
    }
  }
}
