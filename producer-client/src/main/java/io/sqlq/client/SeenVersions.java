package io.sqlq.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The highest {@code dbVersion} a client's replies carried, per database: what a query passes to
 * {@link Consistency#atLeast(long)} to read the client's own writes. Recorded by the reply
 * listener before it completes the reply's future, so a caller that joined the future reads a
 * version at least that reply's.
 */
final class SeenVersions {
  private final ConcurrentMap<String, Long> highest = new ConcurrentHashMap<>();

  void record(String db, long version) {
    highest.merge(db, version, Math::max);
  }

  /** The highest version seen of {@code db}, 0 when no reply from it arrived. */
  long of(String db) {
    return highest.getOrDefault(db, 0L);
  }
}
