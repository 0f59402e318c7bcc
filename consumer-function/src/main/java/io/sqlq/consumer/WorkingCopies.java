package io.sqlq.consumer;

import io.sqlq.core.DatabaseName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local copies of databases this container has published or fetched, one file per
 * database under a directory (Lambda's {@code /tmp}), each with the ETag it matches in the
 * store. A warm container whose copy is still current downloads nothing (a conditional GET
 * answers 304).
 *
 * <p>A copy is remembered only after it was published or downloaded whole; any failure in
 * between {@link #forget}s it, so a half-applied file is never taken for a current one.
 */
final class WorkingCopies {
  private static final Logger log = LoggerFactory.getLogger(WorkingCopies.class);

  private final Path directory;
  private final Map<String, String> etags = new ConcurrentHashMap<>();

  WorkingCopies(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create working directory " + directory, e);
    }
  }

  /** Where the copy of {@code db} lives. */
  Path path(String db) {
    return directory.resolve(DatabaseName.validate(db) + ".sqlite");
  }

  /** The ETag the copy of {@code db} matches, or null when there is no trusted copy. */
  String etag(String db) {
    String etag = etags.get(db);
    return etag != null && Files.isRegularFile(path(db)) ? etag : null;
  }

  /** Records that the copy of {@code db} now matches {@code etag} in the store. */
  void remember(String db, String etag) {
    etags.put(db, etag);
  }

  /**
   * Drops the copy of {@code db}: the next batch fetches it whole. Forgetting the ETag is what
   * matters (without it the next fetch downloads over the file), so a file that cannot be
   * deleted is logged, not thrown: it must not hide the failure that made the caller forget.
   */
  void forget(String db) {
    etags.remove(db);
    try {
      Files.deleteIfExists(path(db));
      Files.deleteIfExists(path(db).resolveSibling(path(db).getFileName() + "-journal"));
    } catch (IOException e) {
      log.warn("cannot delete the working copy of {}; the next batch downloads over it: {}", db, e.toString());
    }
  }
}
