package io.sqlq.core.store;

import io.sqlq.core.DatabaseName;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 keys of one database (DESIGN.md, "Storage layout"): under {@code <prefix>db/<db>/} the
 * manifest, {@code log/} (one snapshot or delta per version) and {@code merged/}; and the layout-v1
 * file {@code <prefix>db/<db>.sqlite}.
 *
 * @param keyPrefix the stack's prefix, empty or ending in {@code /}
 * @param db a valid database name
 */
public record DatabaseKeys(String keyPrefix, String db) {
  /** The parent id of a database's first log object. */
  public static final String NO_PARENT = "000000000000";
  private static final Pattern LOG = Pattern.compile("(\\d{20})-([0-9a-f]{12})-([0-9a-f]{12})\\.(delta|snapshot)");

  /** @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name */
  public DatabaseKeys {
    DatabaseName.validate(db);
  }

  /** {@code <prefix>db/<db>/}: every layout-v2 object of the database. */
  public String directory() {
    return keyPrefix + "db/" + db + "/";
  }

  /** The manifest. */
  public String manifest() {
    return directory() + "manifest.json";
  }

  /** The prefix of the log objects. */
  public String logPrefix() {
    return directory() + "log/";
  }

  /** The log object of {@code version}. */
  public String log(long version, String id, String parent, boolean snapshot) {
    return logPrefix() + String.format("%020d-%s-%s.%s", version, id, parent, snapshot ? "snapshot" : "delta");
  }

  /** A merged delta of versions {@code from}..{@code to}. */
  public String merged(long from, long to, String id) {
    return directory() + String.format("merged/%020d-%020d-%s.delta", from, to, id);
  }

  /** The layout-v1 object. */
  public String v1() {
    return keyPrefix + "db/" + db + ".sqlite";
  }

  /**
   * A log object's key, parsed.
   *
   * @param version the version it holds
   * @param id its id
   * @param parent the id of the previous version's log object
   * @param snapshot whether it is a whole file
   */
  public record LogKey(long version, String id, String parent, boolean snapshot) {
    /** Parses the part of a key after {@link #logPrefix()}; empty when it is not a log object name. */
    public static Optional<LogKey> parse(String name) {
      Matcher m = LOG.matcher(name);
      if (!m.matches()) {
        return Optional.empty();
      }
      return Optional.of(new LogKey(Long.parseLong(m.group(1)), m.group(2), m.group(3), m.group(4).equals("snapshot")));
    }
  }
}
