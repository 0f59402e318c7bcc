package io.sqlq.client;

/**
 * How current the snapshot a query reads must be, chosen per query
 * ({@link DatabaseClient#query(Consistency, String, Object...)}). A snapshot is a read-only local
 * copy of the database file, refreshed from the store with a conditional GET (nothing is
 * downloaded when nothing changed).
 */
public sealed interface Consistency {
  /**
   * Whatever copy is cached, if it is younger than the client's {@code snapshotMaxAge}; else
   * (or when there is none) the store is checked first. The result says how old the copy was
   * ({@link QueryResult#age()}), and may miss writes answered since.
   */
  static Consistency snapshot() {
    return new Snapshot();
  }

  /** Check the store first (one conditional GET), so the query sees every published write. */
  static Consistency latest() {
    return new Latest();
  }

  /**
   * A copy of at least {@code version}: the cached one when it is that new, else the store is
   * checked until it is, up to the client's {@code requestTimeout}. Pass the {@code dbVersion} of
   * a write's reply, or {@link DatabaseClient#seenVersion()}, to read your own writes.
   *
   * @param version a database version, at least 0
   * @throws IllegalArgumentException when {@code version} is negative
   */
  static Consistency atLeast(long version) {
    return new AtLeast(version);
  }

  /** See {@link Consistency#snapshot()}. */
  record Snapshot() implements Consistency {}

  /** See {@link Consistency#latest()}. */
  record Latest() implements Consistency {}

  /** See {@link Consistency#atLeast(long)}. */
  record AtLeast(long version) implements Consistency {
    public AtLeast {
      if (version < 0) {
        throw new IllegalArgumentException("a database version is at least 0, not " + version);
      }
    }
  }
}
