package io.sqlq.client;

import io.sqlq.core.SqlqException;
import java.time.Duration;

/**
 * A query with {@link Consistency#atLeast(long)} gave up: the store still held an older version
 * of the database after the client's {@code requestTimeout}. The version came from a reply, so
 * it was published; S3 reads after a write are strongly consistent, so this means the version
 * came from another stack or database, or the store is failing. Retryable.
 */
public final class VersionNotReachedException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String db;
  private final long wanted;
  private final long reached;

  /**
   * @param wanted the version the query asked for
   * @param reached the version of the newest copy the store gave
   * @param waited how long the client checked
   */
  public VersionNotReachedException(String db, long wanted, long reached, Duration waited) {
    super("database '" + db + "' is at version " + reached + " after " + waited.toMillis()
        + " ms of checks; the query asked for at least " + wanted);
    this.db = db;
    this.wanted = wanted;
    this.reached = reached;
  }

  /** The database queried. */
  public String db() {
    return db;
  }

  /** The version the query asked for. */
  public long wanted() {
    return wanted;
  }

  /** The newest version the store gave. */
  public long reached() {
    return reached;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
