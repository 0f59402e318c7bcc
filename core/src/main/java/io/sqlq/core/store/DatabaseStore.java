package io.sqlq.core.store;

import java.nio.file.Path;

/**
 * Where database files live: per database one version at a time, replaced only by conditional
 * writes. This is the fencing of DESIGN.md: a publish succeeds only against the exact version it
 * was read at, so a writer whose lock was broken can never overwrite a newer one.
 *
 * <p>Implementations: {@link PageDeltaStore} (layout v2 on S3: a manifest naming a snapshot and
 * page deltas; the ETag is the manifest's) and {@link InMemoryDatabaseStore} for tests of the
 * callers. Both convert every failure into a {@link io.sqlq.core.SqlqException}.
 */
public interface DatabaseStore {

  /**
   * Fetches database {@code db} into {@code target} unless the stored object still has
   * {@code cachedEtag} (a conditional GET, {@code If-None-Match}).
   *
   * @param cachedEtag the ETag of the copy the caller already holds at {@code target}, or null
   * @param target where the file is written (replaced) when it is downloaded
   * @return {@link Fetched.Unchanged} (target untouched), {@link Fetched.Downloaded} (target
   *     replaced) or {@link Fetched.Missing} (no such database yet; target untouched)
   * @throws io.sqlq.core.aws.AwsCallFailedException when the store cannot be read
   */
  Fetched fetch(String db, String cachedEtag, Path target);

  /**
   * Publishes {@code file} as the new content of {@code db}: {@code If-Match: expectedEtag},
   * or {@code If-None-Match: *} when {@code expectedEtag} is null (a new database).
   *
   * @param version the database version stored in the file, recorded in the store
   * @return the new ETag and the bytes uploaded
   * @throws PublishConflictException when the condition fails (HTTP 412, or 409 when a
   *     concurrent conditional write is in progress): someone else wrote since the fetch
   * @throws io.sqlq.core.aws.AwsCallFailedException for any other failure
   */
  Published publish(String db, Path file, String expectedEtag, long version);

  /**
   * What {@link #publish} wrote.
   *
   * @param etag the ETag a later fetch or publish is conditional on
   * @param bytesUploaded bytes of every object written (deltas, snapshot, manifest)
   */
  record Published(String etag, long bytesUploaded) {}

  /** What {@link #fetch} found. */
  sealed interface Fetched {
    /** The cached copy is current. */
    record Unchanged(String etag) implements Fetched {}

    /**
     * A newer copy was written to the target.
     *
     * @param bytes bytes of the objects read from the store for it, as stored (compressed):
     *     the manifest and the chain objects a catch-up needed, or the whole file
     */
    record Downloaded(String etag, long bytes) implements Fetched {}

    /** The database does not exist yet. */
    record Missing() implements Fetched {}
  }
}
