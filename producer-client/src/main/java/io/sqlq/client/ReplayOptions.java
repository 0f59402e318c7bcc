package io.sqlq.client;

import io.sqlq.core.DatabaseName;

/**
 * What {@link DeadLetterQueue#replay} moves.
 *
 * @param database only messages of this database (message group), or null for every database
 * @param max at most this many messages, at least 1
 * @param dryRun when true, nothing is sent or deleted: the report lists what would be replayed
 */
public record ReplayOptions(String database, int max, boolean dryRun) {
  /** No limit on the number of messages. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /**
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code database} is set and not a
   *     database name
   * @throws IllegalArgumentException when {@code max} is below 1
   */
  public ReplayOptions {
    if (database != null) {
      DatabaseName.validate(database);
    }
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
  }

  /** Every message of every database, for real. */
  public static ReplayOptions all() {
    return new ReplayOptions(null, UNLIMITED, false);
  }
}
