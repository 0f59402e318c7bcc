package io.sqlq.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the caller's local copy of a database all at once: a download goes to a fresh temp
 * file beside the target (same directory, so same file system) and is then renamed over it, so
 * a reader never sees a half-written file and a failed download leaves the old copy intact.
 */
final class LocalCopy {
  private static final Logger log = LoggerFactory.getLogger(LocalCopy.class);

  private LocalCopy() {}

  /** A path beside {@code target} that does not exist yet (the SDK's {@code toFile} refuses to overwrite). */
  static Path tempBeside(Path target) {
    Path absolute = target.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + "." + UUID.randomUUID() + ".part");
  }

  /**
   * Renames {@code temp} over {@code target} atomically.
   *
   * @throws DatabaseFileException when the rename fails
   */
  static void moveOver(Path temp, Path target) {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new DatabaseFileException(target, "atomic replace", e);
    }
  }

  /**
   * Writes {@code content} to {@code target} through a temp file and an atomic rename.
   *
   * @throws DatabaseFileException when writing or renaming fails
   */
  static void replace(Path target, byte[] content) {
    Path temp = tempBeside(target);
    try {
      Files.write(temp, content);
      moveOver(temp, target);
    } catch (IOException e) {
      throw new DatabaseFileException(temp, "write", e);
    } finally {
      removeLeftover(temp);
    }
  }

  /**
   * Deletes {@code temp} if a failed download or rename left it behind. A failure to delete is
   * logged, not thrown, so it cannot hide the error that left the file behind.
   */
  static void removeLeftover(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      log.warn("could not delete leftover temp file {}: {}", temp, e.toString());
    }
  }
}
