package io.sqlq.core.aws;

import io.sqlq.core.SqlqException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A call to AWS (or to the emulator standing in for it) failed. Created only at the adapter
 * boundary by {@link #of}, which is the one place that decides retryability: no answer at all
 * (connection refused, timeout), HTTP 5xx, and throttling are retryable; any other 4xx
 * (access denied, no such queue) is not.
 */
public final class AwsCallFailedException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String operation;
  private final int statusCode;
  private final boolean retryable;

  private AwsCallFailedException(String message, String operation, int statusCode, boolean retryable, Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.statusCode = statusCode;
    this.retryable = retryable;
  }

  /**
   * Wraps an SDK exception thrown by {@code operation} (for example {@code "S3 GetObject db/main.sqlite"}).
   */
  public static AwsCallFailedException of(String operation, SdkException e) {
    if (e instanceof AwsServiceException service) {
      int status = service.statusCode();
      String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      boolean retryable = status >= 500 || service.isThrottlingException();
      return new AwsCallFailedException(operation + " failed: HTTP " + status
          + (code == null ? "" : " " + code) + ": " + service.getMessage(), operation, status, retryable, e);
    }
    String reason = e instanceof SdkClientException ? "no answer from AWS endpoint" : "failed";
    return new AwsCallFailedException(operation + " " + reason + ": " + rootMessage(e), operation, 0, true, e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  /** The operation that failed, such as {@code "SQS SendMessage"}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status, or 0 when no answer arrived. */
  public int statusCode() {
    return statusCode;
  }

  @Override
  public boolean retryable() {
    return retryable;
  }
}
