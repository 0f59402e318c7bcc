package io.sqlq.client;

import io.sqlq.core.DatabaseName;
import io.sqlq.core.store.DatabaseFileException;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's read-only snapshots: one local copy per database under a directory of its own,
 * each with the ETag it matches in the store, its version and when it was last known current.
 * Reads the store only through the {@link DatabaseStore} port, so a refresh is a conditional GET
 * that downloads nothing when the database did not change.
 *
 * <p>Bounds: a copy older than {@code maxAge} is checked again before it is read, whatever the
 * {@link Consistency}; when the copies take more than {@code maxBytes}, the least recently read
 * ones that no query is reading are deleted (the one being read stays, even alone over the
 * bound).
 *
 * <p>Concurrency: per database, queries read under a shared lock and a refresh runs under the
 * exclusive one, so a file is never replaced or deleted while a query reads it. Queries that ask
 * for a refresh while one is running share it: the second finds the copy checked after it asked
 * and does not fetch again.
 */
final class SnapshotCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotCache.class);
  /** First pause between two checks of {@link Consistency.AtLeast}, doubling up to {@link #MAX_PAUSE}. */
  private static final Duration FIRST_PAUSE = Duration.ofMillis(50);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(1);

  /** What a query does with a current snapshot, under its shared lock. */
  @FunctionalInterface
  interface Read<T> {
    /**
     * @param file the snapshot, to open read-only
     * @param version its database version
     * @param age how long ago it was last known current
     */
    T read(Path file, long version, Duration age);
  }

  /** One database's copy; its fields are guarded by {@link #lock}. */
  private static final class Copy {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Path file;
    String etag;
    long version;
    long bytes;
    /** System.nanoTime() of the last fetch that downloaded or confirmed the copy. */
    long checkedAtNanos;
    Instant checkedAt;
    volatile long lastReadNanos;

    Copy(Path file) {
      this.file = file;
    }

    boolean present() {
      return etag != null;
    }
  }

  private final DatabaseStore store;
  private final Path directory;
  private final long maxBytes;
  private final Duration maxAge;
  private final Clock clock;
  private final ConcurrentMap<String, Copy> copies = new ConcurrentHashMap<>();

  /**
   * @param directory where the copies live; created, and deleted with them by {@link #close()}
   * @param maxBytes the most bytes the copies take before the least recently read are deleted
   * @param maxAge the oldest a copy may be when read
   * @throws DatabaseFileException when {@code directory} cannot be created
   */
  SnapshotCache(DatabaseStore store, Path directory, long maxBytes, Duration maxAge, Clock clock) {
    this.store = store;
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
    this.clock = clock;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new DatabaseFileException(directory, "create snapshot directory", e);
    }
  }

  /**
   * Runs {@code read} on a snapshot of {@code db} that is as current as {@code consistency} asks.
   *
   * @param wait how long {@link Consistency.AtLeast} keeps checking the store
   * @throws DatabaseNotFoundException when the store holds no such database
   * @throws VersionNotReachedException when {@link Consistency.AtLeast}'s version was not
   *     reached within {@code wait}
   * @throws io.sqlq.core.aws.AwsCallFailedException when the store cannot be read
   * @throws DatabaseFileException when the copy cannot be written
   */
  <T> T read(String db, Consistency consistency, Duration wait, Read<T> read) {
    Copy copy = copies.computeIfAbsent(db, name -> new Copy(directory.resolve(DatabaseName.validate(name) + ".sqlite")));
    long started = System.nanoTime();
    long asked = started;
    boolean refreshed = false;
    Duration pause = FIRST_PAUSE;
    while (true) {
      copy.lock.readLock().lock();
      try {
        if (copy.present() && (refreshed || fresh(copy, consistency, asked)) && reaches(copy, consistency)) {
          copy.lastReadNanos = System.nanoTime();
          return read.read(copy.file, copy.version, Duration.between(copy.checkedAt, clock.instant()));
        }
      } finally {
        copy.lock.readLock().unlock();
      }
      if (refreshed && consistency instanceof Consistency.AtLeast(long wanted)) {
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        if (waited.compareTo(wait) >= 0) {
          throw new VersionNotReachedException(db, wanted, copy.version, waited);
        }
        sleep(pause);
        pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        asked = System.nanoTime();
      }
      refresh(db, copy, asked);
      refreshed = true;
    }
  }

  /** Whether the copy, not older than maxAge, was checked recently enough for {@code consistency}. */
  private boolean fresh(Copy copy, Consistency consistency, long asked) {
    if (Duration.between(copy.checkedAt, clock.instant()).compareTo(maxAge) > 0) {
      return false;
    }
    return !(consistency instanceof Consistency.Latest) || copy.checkedAtNanos - asked >= 0;
  }

  /** Whether the copy's version is what {@link Consistency.AtLeast} asks for; true for the others. */
  private static boolean reaches(Copy copy, Consistency consistency) {
    return !(consistency instanceof Consistency.AtLeast(long wanted)) || copy.version >= wanted;
  }

  /** Brings the copy up to date, unless a fetch that started after {@code asked} already did. */
  private void refresh(String db, Copy copy, long asked) {
    copy.lock.writeLock().lock();
    try {
      if (copy.present() && copy.checkedAtNanos - asked >= 0) {
        return;
      }
      long fetchStarted = System.nanoTime();
      Fetched fetched = store.fetch(db, copy.present() ? copy.etag : null, copy.file);
      switch (fetched) {
        case Fetched.Unchanged u -> { }
        case Fetched.Downloaded d -> {
          copy.etag = d.etag();
          copy.version = SnapshotReader.version(db, copy.file);
          copy.bytes = size(copy.file);
        }
        case Fetched.Missing m -> {
          drop(copy);
          throw new DatabaseNotFoundException(db);
        }
      }
      copy.checkedAtNanos = fetchStarted;
      copy.checkedAt = clock.instant();
      copy.lastReadNanos = System.nanoTime();
    } finally {
      copy.lock.writeLock().unlock();
    }
    evictOver(copy);
  }

  /** Deletes the least recently read copies, other than {@code keep}, while the copies take more than maxBytes. */
  private void evictOver(Copy keep) {
    List<Copy> byLastRead = copies.values().stream()
        .sorted(Comparator.comparingLong(c -> c.lastReadNanos)).toList();
    long total = byLastRead.stream().mapToLong(c -> c.bytes).sum();
    for (Copy copy : byLastRead) {
      if (total <= maxBytes) {
        return;
      }
      if (copy != keep && copy.lock.writeLock().tryLock()) {
        try {
          total -= copy.bytes;
          drop(copy);
        } finally {
          copy.lock.writeLock().unlock();
        }
      }
    }
  }

  /** Forgets and deletes a copy; its lock is held. */
  private static void drop(Copy copy) {
    copy.etag = null;
    copy.version = 0;
    copy.bytes = 0;
    try {
      Files.deleteIfExists(copy.file);
    } catch (IOException e) {
      log.warn("could not delete snapshot {}: {}", copy.file, e.toString());
    }
  }

  /** The bytes the copies take now. */
  long bytes() {
    return copies.values().stream().mapToLong(c -> c.bytes).sum();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new DatabaseFileException(file, "size", e);
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryInterruptedException(e);
    }
  }

  /** Deletes every copy and the directory; a file that cannot be deleted is logged. */
  @Override
  public void close() {
    copies.clear();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log.warn("could not delete snapshot directory {}: {}", directory, e.toString());
    }
  }
}
