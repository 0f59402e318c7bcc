package io.sqlq.core.store;

import io.sqlq.core.DatabaseName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-memory twin of the {@link DatabaseStore} port, for tests of its callers: one whole file
 * per database, replaced by the same conditional rules as {@link PageDeltaStore} and checked by
 * the same contract suite (layout v2's deltas need S3, so they are tested on moto_server). ETags
 * are computed as S3 computes them for a single-part upload without SSE-KMS: the quoted lowercase
 * hex MD5 of the content. Conflicts report the status S3 would answer: 412, or 404 for
 * {@code If-Match} on a database that does not exist.
 *
 * <p>Thread-safe: a publish is one atomic compare-and-set on a concurrent map; stored content is
 * never mutated.
 */
public final class InMemoryDatabaseStore implements DatabaseStore {
  private final ConcurrentMap<String, Stored> objects = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryDatabaseStore() {}

  /**
   * {@inheritDoc}
   *
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   * @throws DatabaseFileException when {@code target} cannot be written
   */
  @Override
  public Fetched fetch(String db, String cachedEtag, Path target) {
    Stored stored = objects.get(DatabaseName.validate(db));
    if (stored == null) {
      return new Fetched.Missing();
    }
    if (stored.etag().equals(cachedEtag)) {
      return new Fetched.Unchanged(cachedEtag);
    }
    LocalCopy.replace(target, stored.content());
    return new Fetched.Downloaded(stored.etag(), stored.content().length);
  }

  /**
   * {@inheritDoc}
   *
   * @throws PublishConflictException with status 412 when the stored ETag differs from
   *     {@code expectedEtag} (or the database exists and {@code expectedEtag} is null), 404 when
   *     {@code expectedEtag} is set and the database does not exist
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   * @throws DatabaseFileException when {@code file} cannot be read
   */
  @Override
  public Published publish(String db, Path file, String expectedEtag, long version) {
    DatabaseName.validate(db);
    Stored next = Stored.of(read(file), version);
    objects.compute(db, (name, current) -> {
      if (current == null ? expectedEtag != null : !current.etag().equals(expectedEtag)) {
        throw new PublishConflictException(name, expectedEtag, current == null ? 404 : 412);
      }
      return next;
    });
    return new Published(next.etag(), next.content().length);
  }

  /**
   * The {@code sqlq-version} recorded by the last publish of {@code db}, empty when it was never
   * published.
   */
  public OptionalLong version(String db) {
    Stored stored = objects.get(db);
    return stored == null ? OptionalLong.empty() : OptionalLong.of(stored.version());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatabaseFileException(file, "read", e);
    }
  }

  private record Stored(byte[] content, String etag, long version) {
    Stored {
      Objects.requireNonNull(content);
    }

    static Stored of(byte[] content, long version) {
      return new Stored(content, "\"" + HexFormat.of().formatHex(md5().digest(content)) + "\"", version);
    }

    private static MessageDigest md5() {
      try {
        return MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform must provide MD5 (MessageDigest Javadoc)", e);
      }
    }
  }
}
