package io.sqlq.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The one overwritten object of a database in layout v2 (DESIGN.md, "Storage layout"): which
 * version is current and which immutable objects rebuild it. Stored as JSON at
 * {@code <prefix>db/<db>/manifest.json}, written only conditionally.
 *
 * @param layout always {@link #LAYOUT}
 * @param version the database version (the counter every batch bumps)
 * @param pageSize bytes per page
 * @param length the file's length, bytes
 * @param checksum the whole-database checksum ({@link PageHashes#checksum}), hex
 * @param head the id of this version's log object (its key ends {@code -<head>-<parent>.delta}
 *     or {@code .snapshot})
 * @param deltaBytes bytes of the level-0 deltas since the chain's snapshot
 * @param chain the snapshot first, then at most {@link PageDeltaStore#MAX_CHAIN_DELTAS} deltas in
 *     version order
 */
public record Manifest(int layout, long version, int pageSize, long length, String checksum, String head,
    long deltaBytes, List<ChainEntry> chain) {
  /** The layout this record describes. */
  public static final int LAYOUT = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  public Manifest {
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(head, "head");
    chain = List.copyOf(chain);
    if (layout != LAYOUT || chain.isEmpty() || !chain.get(0).snapshot()
        || chain.stream().skip(1).anyMatch(ChainEntry::snapshot) || chain.get(chain.size() - 1).to() != version) {
      throw new IllegalArgumentException("a manifest's chain is one snapshot then deltas up to version " + version
          + ": " + chain);
    }
  }

  /** The chain's snapshot. */
  public ChainEntry snapshot() {
    return chain.get(0);
  }

  /** The JSON bytes stored in S3. */
  public byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest always serializes", e);
    }
  }

  /**
   * Parses a stored manifest.
   *
   * @param source the object key, for the error message
   * @throws CorruptDatabaseException when the bytes are not a layout-2 manifest
   */
  public static Manifest decode(byte[] json, String source) {
    try {
      return JSON.readValue(json, Manifest.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptDatabaseException("manifest " + source + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * One object of the chain.
   *
   * @param key its S3 key
   * @param snapshot whether it is a whole file (else a delta)
   * @param level 0 for a version's own delta or a snapshot, L + 1 for a merge of level-L deltas
   * @param from first version it covers (a snapshot: its version)
   * @param to last version it covers
   * @param bytes its size
   */
  public record ChainEntry(String key, boolean snapshot, int level, long from, long to, long bytes) {
    public ChainEntry {
      Objects.requireNonNull(key, "key");
      if (from < 0 || to < from || level < 0 || bytes < 0) {
        throw new IllegalArgumentException("bad chain entry " + key + ": " + from + ".." + to + " level " + level);
      }
    }
  }
}
