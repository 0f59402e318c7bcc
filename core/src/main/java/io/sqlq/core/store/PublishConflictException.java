package io.sqlq.core.store;

import io.sqlq.core.SqlqException;

/**
 * A conditional publish was refused because the stored database is no longer the version it
 * was fetched at: HTTP 412 Precondition Failed, 409 ConditionalRequestConflict while another
 * conditional write to the key is in flight (Amazon S3 User Guide, "Conditional writes"), or
 * 404 NoSuchKey for {@code If-Match} on an object deleted since the fetch. Retryable: the
 * batch is redelivered and applied to the file as it is now.
 */
public final class PublishConflictException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String key;
  private final String expectedEtag;
  private final int statusCode;

  public PublishConflictException(String key, String expectedEtag, int statusCode) {
    super("publish of " + key + " refused with HTTP " + statusCode + ": it changed since it was fetched at ETag "
        + (expectedEtag == null ? "(none: expected a new database)" : expectedEtag));
    this.key = key;
    this.expectedEtag = expectedEtag;
    this.statusCode = statusCode;
  }

  public String key() {
    return key;
  }

  /** The ETag the publish was conditional on, null for a new database. */
  public String expectedEtag() {
    return expectedEtag;
  }

  /** 412, 409 or 404. */
  public int statusCode() {
    return statusCode;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
