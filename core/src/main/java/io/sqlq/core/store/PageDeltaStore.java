package io.sqlq.core.store;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.Manifest.ChainEntry;
import io.sqlq.core.store.S3Objects.ObjectGoneException;
import io.sqlq.core.store.S3Objects.Read;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The {@link DatabaseStore} of layout v2 on S3 (DESIGN.md, "Storage layout"): per database a
 * manifest, the only object overwritten (conditionally: the fencing and commit point), naming an
 * immutable snapshot and at most {@link #MAX_CHAIN_DELTAS} immutable page deltas. The port's ETag
 * is the manifest's; a database still in layout v1 has an ETag prefixed {@code v1:} until its
 * first publish converts it.
 *
 * <p>A publish uploads only the pages that changed since the version the caller fetched (found by
 * comparing per-page SHA-256 hashes the store kept when it fetched or published that version),
 * and of those only the changed bytes when it kept a copy of that version beside the file it
 * published ({@code <file>.sqlq-base}), compressed with Zstandard; without the hashes, or when the
 * deltas since the snapshot add up to the file's length, or the file shrank, it uploads a
 * compressed snapshot. A fetch reads the manifest with a conditional GET and catches the
 * copy up with the deltas it misses, then checks the whole-database checksum before the copy
 * replaces the target.
 *
 * <p>The store trusts that a published file was derived from the version it fetched or
 * published at {@code expectedEtag} (the consumer's working copy always is); a file that was not
 * would publish a delta whose checksum no reader accepts ({@link CorruptDatabaseException}).
 *
 * <p>Thread-safe for different databases; calls for the same database must not overlap (the
 * consumer holds its lock, the snapshot cache its per-database lock).
 */
public final class PageDeltaStore implements DatabaseStore {
  /** At most this many deltas follow the snapshot in a chain: a fresh reader needs at most 2 + 32 GETs. */
  public static final int MAX_CHAIN_DELTAS = 32;
  /** A run of this many deltas of one level at the end of the chain is merged into one of the next level. */
  public static final int MERGE_FAN_IN = 16;
  /** The prefix of the ETag of a database still in layout v1. */
  public static final String V1_ETAG_PREFIX = "v1:";
  /** Metadata of snapshots and manifests: the database version. */
  public static final String VERSION_METADATA = "sqlq-version";
  /** Metadata of snapshots: the whole-database checksum. */
  public static final String CHECKSUM_METADATA = "sqlq-checksum";
  private static final int READ_ATTEMPTS = 3;
  private static final Logger log = LoggerFactory.getLogger(PageDeltaStore.class);

  private final S3Objects objects;
  private final String keyPrefix;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  /**
   * @param s3 the client; the caller owns and closes it
   * @param bucket the bucket holding the databases
   * @param keyPrefix the stack's key prefix, empty or ending in {@code /}
   */
  public PageDeltaStore(software.amazon.awssdk.services.s3.S3Client s3, String bucket, String keyPrefix) {
    this.objects = new S3Objects(s3, bucket);
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  /**
   * What the store knows of the version it last fetched or published of a database: the page
   * hashes it diffs against, the page numbers of each delta of that version's chain (merging
   * needs them), and a copy of that version beside the file it published (null when it has
   * none), which lets the next delta carry only the bytes that changed.
   */
  private record Known(String etag, Manifest manifest, PageHashes hashes, Map<String, int[]> chainPages, Path base) {}

  /**
   * {@inheritDoc}
   *
   * <p>Calls: one conditional GET of the manifest; when it changed, the chain objects the copy
   * misses (at most 1 + {@link #MAX_CHAIN_DELTAS}). The result is built beside {@code target} and
   * renamed over it only after its checksum matched, so a failure leaves {@code target} as it was.
   *
   * @throws CorruptDatabaseException when the rebuilt file does not match the manifest's checksum
   *     even when rebuilt from the snapshot, or a stored object is damaged
   * @throws DatabaseFileException when a local file cannot be written
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   */
  @Override
  public Fetched fetch(String db, String cachedEtag, Path target) {
    DatabaseKeys keys = new DatabaseKeys(keyPrefix, db);
    boolean cachedV1 = cachedEtag != null && cachedEtag.startsWith(V1_ETAG_PREFIX);
    ObjectGoneException gone = null;
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      switch (objects.read(keys.manifest(), cachedV1 ? null : cachedEtag)) {
        case Read.NotModified n -> {
          return new Fetched.Unchanged(cachedEtag);
        }
        case Read.Missing m -> {
          return fetchV1(keys, cachedV1 ? cachedEtag.substring(V1_ETAG_PREFIX.length()) : null, cachedEtag, target);
        }
        case Read.Found found -> {
          try {
            long bytes = rebuild(db, Manifest.decode(found.bytes(), keys.manifest()), found.etag(), cachedEtag, target);
            return new Fetched.Downloaded(found.etag(), found.bytes().length + bytes);
          } catch (ObjectGoneException e) {
            gone = e;
          }
        }
      }
    }
    throw new CorruptDatabaseException("the chain of " + keys.manifest() + " kept vanishing while read: "
        + gone.getMessage());
  }

  private Fetched fetchV1(DatabaseKeys keys, String cachedV1Etag, String cachedEtag, Path target) {
    Path temp = LocalCopy.tempBeside(target);
    try {
      return switch (objects.download(keys.v1(), cachedV1Etag, temp, false)) {
        case Read.NotModified n -> new Fetched.Unchanged(cachedEtag);
        case Read.Missing m -> new Fetched.Missing();
        case Read.Found f -> {
          LocalCopy.moveOver(temp, target);
          forget(keys.db());
          yield new Fetched.Downloaded(V1_ETAG_PREFIX + f.etag(), size(target));
        }
      };
    } finally {
      LocalCopy.removeLeftover(temp);
    }
  }

  /**
   * Catches {@code target} up to {@code manifest}, or rebuilds it from the snapshot, and checks it.
   * What the store knew of {@code db}, and its base copy, is dropped first, so the disk holds at
   * most the target and the copy being built.
   *
   * @return bytes of the chain objects read, as stored
   */
  private long rebuild(String db, Manifest manifest, String etag, String cachedEtag, Path target) {
    Known base = known.get(db);
    boolean incremental = base != null && base.etag().equals(cachedEtag) && Files.isRegularFile(target)
        && base.manifest().version() < manifest.version() && manifest.snapshot().to() <= base.manifest().version()
        && base.manifest().pageSize() == manifest.pageSize();
    forget(db);
    Path temp = LocalCopy.tempBeside(target);
    try {
      Map<String, int[]> chainPages = new HashMap<>();
      long bytes = 0;
      if (incremental) {
        copy(target, temp);
        chainPages.putAll(base.chainPages());
      } else {
        download(manifest.snapshot().key(), temp);
        bytes += manifest.snapshot().bytes();
      }
      long have = incremental ? base.manifest().version() : manifest.snapshot().to();
      for (ChainEntry entry : manifest.chain().subList(1, manifest.chain().size())) {
        if (entry.to() > have) {
          byte[] object = objects.readExisting(entry.key());
          bytes += object.length;
          DeltaFile delta = DeltaFile.decode(object, entry.key());
          delta.applyTo(temp);
          chainPages.put(entry.key(), delta.pageNumbers());
        }
      }
      PageHashes hashes = PageHashes.of(temp);
      if (!hashes.checksum().equals(manifest.checksum())) {
        if (incremental) {
          return bytes + rebuild(db, manifest, etag, null, target);
        }
        throw new CorruptDatabaseException("database " + db + " rebuilt from " + manifest.snapshot().key() + " and "
            + (manifest.chain().size() - 1) + " deltas has checksum " + hashes.checksum() + ", its manifest says "
            + manifest.checksum());
      }
      LocalCopy.moveOver(temp, target);
      known.put(db, new Known(etag, manifest, hashes, inChain(chainPages, manifest.chain()), null));
      return bytes;
    } finally {
      LocalCopy.removeLeftover(temp);
    }
  }

  private void download(String key, Path file) {
    if (!(objects.download(key, null, file, true) instanceof Read.Found)) {
      throw new ObjectGoneException(key);
    }
  }

  /** Drops what the store knows of {@code db}, and its base copy. */
  private void forget(String db) {
    Known gone = known.remove(db);
    if (gone != null && gone.base() != null) {
      LocalCopy.removeLeftover(gone.base());
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new DatabaseFileException(file, "size", e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new DatabaseFileException(to, "copy", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Uploads one level-0 delta (or a snapshot), at most one merged delta per level, then the
   * manifest. A refused manifest write leaves the uploaded objects unreferenced; the reaper deletes
   * them after its grace period.
   *
   * <p>A manifest write that fails (a lost answer, a 5xx, or a 412 to a retry of a write that
   * was made) is followed by one GET of the manifest: when it names this publish's head, the
   * publish committed and returns normally.
   *
   * @throws PublishConflictException also when {@code expectedEtag} is not the manifest's current
   *     ETag as read before uploading (412), or the database has no manifest (404)
   * @throws DatabaseFileException when {@code file} cannot be read
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   */
  @Override
  public Published publish(String db, Path file, String expectedEtag, long version) {
    DatabaseKeys keys = new DatabaseKeys(keyPrefix, db);
    boolean creates = expectedEtag == null || expectedEtag.startsWith(V1_ETAG_PREFIX);
    Known base = creates ? null : known.get(db);
    if (base != null && !base.etag().equals(expectedEtag)) {
      base = null;
    }
    Manifest baseManifest = creates ? null : base != null ? base.manifest() : current(keys, expectedEtag);
    PageHashes hashes = PageHashes.of(file);
    Path baseCopy = baseCopyOf(file);
    boolean hasBase = base != null && baseCopy.equals(base.base()) && Files.isRegularFile(baseCopy);
    Next next = base == null || version <= baseManifest.version() ? null
        : deltaPlan(keys, file, hasBase ? baseCopy : null, hashes, base, version);
    if (next == null) {
      next = snapshot(keys, file, hashes, baseManifest, version);
    }
    Manifest manifest = new Manifest(Manifest.LAYOUT, version, hashes.pageSize(), hashes.length(), hashes.checksum(),
        next.head(), next.deltaBytes(), next.chain());
    byte[] json = manifest.encode();
    String etag;
    try {
      etag = objects.replace(keys.manifest(), RequestBody.fromBytes(json),
          Map.of(VERSION_METADATA, Long.toString(version)), creates ? null : expectedEtag);
    } catch (PublishConflictException | AwsCallFailedException e) {
      etag = committedEtag(keys, manifest, e);
    }
    Path updated = updateBaseCopy(file, hasBase ? baseCopy : null, next.delta(), baseCopy);
    Known previous = known.put(db, new Known(etag, manifest, hashes, next.chainPages(), updated));
    if (previous != null && previous.base() != null && !previous.base().equals(updated)) {
      LocalCopy.removeLeftover(previous.base());
    }
    return new Published(etag, next.bytesUploaded() + json.length);
  }

  /** Where the store keeps its copy of the last version it published from {@code file}. */
  private static Path baseCopyOf(Path file) {
    Path absolute = file.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + ".sqlq-base");
  }

  /**
   * Brings the base copy to the version just published: writes the delta into it when it held
   * the version before, else copies {@code file} whole.
   *
   * @return {@code baseCopy}, or null when it could not be written (the next delta then carries
   *     whole pages; it is never wrong, only larger)
   */
  private static Path updateBaseCopy(Path file, Path current, DeltaFile delta, Path baseCopy) {
    try {
      if (current != null && delta != null) {
        delta.applyTo(current);
      } else {
        Path temp = LocalCopy.tempBeside(baseCopy);
        try {
          Files.copy(file, temp);
          LocalCopy.moveOver(temp, baseCopy);
        } finally {
          LocalCopy.removeLeftover(temp);
        }
      }
      return baseCopy;
    } catch (IOException | DatabaseFileException e) {
      log.warn("could not update the base copy {}; the next delta carries whole pages: {}", baseCopy, e.toString());
      LocalCopy.removeLeftover(baseCopy);
      return null;
    }
  }

  /**
   * Learns from the manifest whether a manifest write that failed was in fact made: its answer
   * lost to a timeout, or a retry of it refused (412) because the first attempt had already
   * replaced the manifest. The write is this publish's when the manifest names its head, an id
   * no other writer uses.
   *
   * @return the current manifest's ETag when it is this publish's
   * @throws RuntimeException {@code failure} when the manifest is another writer's or missing, or
   *     cannot be read (the read's failure is added to it as suppressed)
   */
  private String committedEtag(DatabaseKeys keys, Manifest written, RuntimeException failure) {
    Read read;
    try {
      read = objects.read(keys.manifest(), null);
    } catch (AwsCallFailedException e) {
      failure.addSuppressed(e);
      throw failure;
    }
    if (read instanceof Read.Found found
        && Manifest.decode(found.bytes(), keys.manifest()).head().equals(written.head())) {
      return found.etag();
    }
    throw failure;
  }

  /** The manifest at {@code expectedEtag}, read because this store does not hold it. */
  private Manifest current(DatabaseKeys keys, String expectedEtag) {
    return switch (objects.read(keys.manifest(), null)) {
      case Read.Found f when f.etag().equals(expectedEtag) -> Manifest.decode(f.bytes(), keys.manifest());
      case Read.Found f -> throw new PublishConflictException(keys.manifest(), expectedEtag, 412);
      case Read.Missing m -> throw new PublishConflictException(keys.manifest(), expectedEtag, 404);
      case Read.NotModified n -> throw new IllegalStateException("unconditional GET answered 304");
    };
  }

  /**
   * The chain after a publish: the new head, level-0 delta bytes since the snapshot, the entries
   * and their pages, and this version's level-0 delta (null for a snapshot).
   */
  private record Next(String head, long deltaBytes, List<ChainEntry> chain, Map<String, int[]> chainPages,
      long bytesUploaded, DeltaFile delta) {}

  /**
   * Uploads this version's delta and any merge; null when the rules call for a snapshot instead.
   *
   * @param baseCopy null, or a copy of the version {@code base} describes
   */
  private Next deltaPlan(DatabaseKeys keys, Path file, Path baseCopy, PageHashes hashes, Known base, long version) {
    Manifest manifest = base.manifest();
    if (hashes.pageCount() < base.hashes().pageCount() || hashes.pageSize() != base.hashes().pageSize()) {
      return null;
    }
    int[] changed = hashes.changedSince(base.hashes());
    DeltaFile level0 = DeltaFile.of(file, baseCopy, baseCopy == null ? null : base.hashes(), hashes, changed,
        manifest.version() + 1, version);
    byte[] delta = level0.encode();
    long deltaBytes = manifest.deltaBytes() + delta.length;
    if (deltaBytes >= hashes.length()) {
      return null;
    }
    List<ChainEntry> chain = new ArrayList<>(manifest.chain());
    Map<String, int[]> chainPages = new HashMap<>(base.chainPages());
    String id = newId();
    String key = keys.log(version, id, manifest.head(), false);
    chain.add(new ChainEntry(key, false, 0, manifest.version() + 1, version, delta.length));
    chainPages.put(key, changed);
    List<Upload> uploads = new ArrayList<>(List.of(new Upload(key, delta)));
    while (endsInMergeableRun(chain)) {
      List<ChainEntry> run = chain.subList(chain.size() - MERGE_FAN_IN, chain.size());
      TreeSet<Integer> pages = new TreeSet<>();
      for (ChainEntry entry : run) {
        int[] numbers = chainPages.get(entry.key());
        if (numbers == null) {
          return null;
        }
        for (int page : numbers) {
          if (page <= hashes.pageCount()) {
            pages.add(page);
          }
        }
      }
      long from = run.get(0).from();
      byte[] merged = DeltaFile.of(file, null, null, hashes, pages.stream().mapToInt(Integer::intValue).toArray(),
          from, version).encode();
      String mergedKey = keys.merged(from, version, newId());
      ChainEntry entry = new ChainEntry(mergedKey, false, run.get(0).level() + 1, from, version, merged.length);
      run.clear();
      chain.add(entry);
      chainPages.put(mergedKey, pages.stream().mapToInt(Integer::intValue).toArray());
      uploads.add(new Upload(mergedKey, merged));
    }
    if (chain.size() - 1 > MAX_CHAIN_DELTAS) {
      return null;
    }
    long uploaded = 0;
    for (Upload upload : uploads) {
      objects.create(upload.key(), RequestBody.fromBytes(upload.bytes()), Map.of());
      uploaded += upload.bytes().length;
    }
    return new Next(id, deltaBytes, chain, inChain(chainPages, chain), uploaded, level0);
  }

  private record Upload(String key, byte[] bytes) {}

  private static boolean endsInMergeableRun(List<ChainEntry> chain) {
    if (chain.size() - 1 < MERGE_FAN_IN) {
      return false;
    }
    List<ChainEntry> run = chain.subList(chain.size() - MERGE_FAN_IN, chain.size());
    int level = run.get(0).level();
    return run.stream().allMatch(e -> !e.snapshot() && e.level() == level);
  }

  /** Uploads {@code file} whole, compressed: the chain becomes this snapshot alone. */
  private Next snapshot(DatabaseKeys keys, Path file, PageHashes hashes, Manifest base, long version) {
    String id = newId();
    String key = keys.log(version, id, base == null ? DatabaseKeys.NO_PARENT : base.head(), true);
    Path compressed = LocalCopy.tempBeside(file);
    try {
      long bytes = compress(file, compressed);
      objects.create(key, RequestBody.fromFile(compressed),
          Map.of(VERSION_METADATA, Long.toString(version), CHECKSUM_METADATA, hashes.checksum()));
      return new Next(id, 0, List.of(new ChainEntry(key, true, 0, version, version, bytes)), Map.of(), bytes, null);
    } finally {
      LocalCopy.removeLeftover(compressed);
    }
  }

  /**
   * Writes {@code file} as one Zstandard frame (level {@value DeltaFile#ZSTD_LEVEL}) to {@code to}.
   *
   * @return the bytes written
   */
  private static long compress(Path file, Path to) {
    try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(to, StandardOpenOption.CREATE_NEW),
        DeltaFile.ZSTD_LEVEL)) {
      Files.copy(file, out);
    } catch (IOException e) {
      throw new DatabaseFileException(file, "compress a snapshot", e);
    }
    return size(to);
  }

  private static Map<String, int[]> inChain(Map<String, int[]> pages, List<ChainEntry> chain) {
    Map<String, int[]> kept = new HashMap<>();
    for (ChainEntry entry : chain) {
      int[] numbers = pages.get(entry.key());
      if (numbers != null) {
        kept.put(entry.key(), numbers);
      }
    }
    return Map.copyOf(kept);
  }

  /** 12 random hex digits: log and merged object keys are unique, so a stale writer never aims at a live one's key. */
  private static String newId() {
    return String.format("%012x", ThreadLocalRandom.current().nextLong(1L << 48));
  }
}
