package io.sqlq.core.store;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.DatabaseKeys.LogKey;
import io.sqlq.core.store.S3Objects.Read;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The committed versions of a database kept in layout v2, and point-in-time restore (DESIGN.md,
 * "Storage layout", "Garbage collection and history"): the log objects on the walk from the
 * manifest's {@code head} back through their parent ids. A version is rebuilt from the newest
 * snapshot at or before it plus the level-0 deltas after it, and its whole-database checksum is
 * checked. Calls: one ListObjectsV2 per 1,000 log objects, one GET of the manifest, and one GET
 * per object of the rebuild.
 */
public final class DatabaseHistory {
  private final S3Client s3;
  private final S3Objects objects;
  private final String bucket;
  private final String keyPrefix;

  /**
   * @param s3 the client; the caller owns and closes it
   * @param keyPrefix the stack's key prefix, empty or ending in {@code /}
   */
  public DatabaseHistory(S3Client s3, String bucket, String keyPrefix) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.objects = new S3Objects(s3, bucket);
    this.bucket = bucket;
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  /**
   * One committed version.
   *
   * @param version the database version
   * @param at when its log object was written (S3 LastModified; its manifest write followed)
   * @param bytes the size of its log object as stored (compressed): the delta, or the whole file for a
   *     snapshot
   * @param snapshot whether its log object is a whole file
   * @param key the log object
   */
  public record Version(long version, Instant at, long bytes, boolean snapshot, String key) {}

  /**
   * The kept versions of {@code db}, oldest first.
   *
   * @throws VersionNotKeptException when the database has no layout-v2 manifest
   * @throws AwsCallFailedException when S3 cannot be listed or read
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code db} is not a database name
   */
  public List<Version> versions(String db) {
    DatabaseKeys keys = new DatabaseKeys(keyPrefix, db);
    Manifest manifest = switch (objects.read(keys.manifest(), null)) {
      case Read.Found f -> Manifest.decode(f.bytes(), keys.manifest());
      default -> throw new VersionNotKeptException("database " + db + " has no manifest " + keys.manifest());
    };
    Map<String, S3Object> byId = new HashMap<>();
    Map<String, LogKey> parsed = new HashMap<>();
    try {
      for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keys.logPrefix())).contents()) {
        LogKey.parse(object.key().substring(keys.logPrefix().length())).ifPresent(k -> {
          byId.put(k.id(), object);
          parsed.put(k.id(), k);
        });
      }
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 ListObjectsV2 " + keys.logPrefix(), e);
    }
    List<Version> walk = new ArrayList<>();
    for (String id = manifest.head(); byId.containsKey(id); id = parsed.get(id).parent()) {
      S3Object object = byId.get(id);
      LogKey key = parsed.get(id);
      walk.add(new Version(key.version(), object.lastModified(), object.size(), key.snapshot(), object.key()));
      if (walk.size() > byId.size()) {
        throw new CorruptDatabaseException("the log of " + db + " has a cycle at " + object.key());
      }
    }
    Collections.reverse(walk);
    return walk;
  }

  /**
   * Rebuilds version {@code version} of {@code db} into {@code out} (replaced only once the
   * rebuilt file matched its checksum).
   *
   * @return the version restored
   * @throws VersionNotKeptException when that version is not kept, or no snapshot at or before it is
   * @throws CorruptDatabaseException when the rebuilt file does not match its checksum
   * @throws DatabaseFileException when {@code out} cannot be written
   */
  public Version restore(String db, long version, Path out) {
    List<Version> versions = versions(db);
    int last = -1;
    int snapshot = -1;
    for (int i = 0; i < versions.size() && versions.get(i).version() <= version; i++) {
      last = i;
      if (versions.get(i).snapshot()) {
        snapshot = i;
      }
    }
    if (last < 0 || versions.get(last).version() != version || snapshot < 0) {
      throw new VersionNotKeptException("version " + version + " of " + db + " is not kept; kept: "
          + (versions.isEmpty() ? "none" : versions.get(0).version() + ".." + versions.get(versions.size() - 1).version()));
    }
    Path temp = LocalCopy.tempBeside(out);
    try {
      Version base = versions.get(snapshot);
      String checksum = switch (objects.download(base.key(), null, temp, true)) {
        case Read.Found f -> f.metadata().get(PageDeltaStore.CHECKSUM_METADATA);
        default -> throw new VersionNotKeptException("snapshot " + base.key() + " of " + db + " is gone");
      };
      for (Version delta : versions.subList(snapshot + 1, last + 1)) {
        DeltaFile file = DeltaFile.decode(objects.readExisting(delta.key()), delta.key());
        file.applyTo(temp);
        checksum = file.checksum();
      }
      String actual = PageHashes.of(temp).checksum();
      if (!actual.equals(checksum)) {
        throw new CorruptDatabaseException("version " + version + " of " + db + " rebuilt with checksum " + actual
            + ", its log says " + checksum);
      }
      LocalCopy.moveOver(temp, out);
      return versions.get(last);
    } finally {
      LocalCopy.removeLeftover(temp);
    }
  }

  /**
   * Rebuilds the version of {@code db} that was current at {@code at}: the newest whose log object
   * was written at or before it.
   *
   * @throws VersionNotKeptException when no kept version is that old
   */
  public Version restoreAt(String db, Instant at, Path out) {
    Version found = null;
    for (Version v : versions(db)) {
      if (!v.at().isAfter(at)) {
        found = v;
      }
    }
    if (found == null) {
      throw new VersionNotKeptException("no kept version of " + db + " was written at or before " + at);
    }
    return restore(db, found.version(), out);
  }
}
