package io.sqlq.core.store;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.DatabaseKeys.LogKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The reaper's garbage collection of layout v2 (DESIGN.md, "Storage layout", "Garbage collection
 * and history"): per database it keeps the manifest's chain and the log objects on the walk from
 * the manifest's {@code head} back to the newest snapshot older than the retention, and deletes
 * every other object under {@code <prefix>db/<db>/} older than the grace period, and the v1 file of
 * a database that has a manifest. A database without a manifest keeps its v1 file.
 *
 * <p>Needs {@code s3:ListBucket}, {@code s3:GetObject} and {@code s3:DeleteObject} on the db prefix.
 */
public final class StoreCollector {
  /** Default grace before an unreferenced object is deleted: 600,000 ms. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
  /** Default history kept for restore: 7 days (604,800,000 ms). */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
  private static final Logger log = LoggerFactory.getLogger(StoreCollector.class);

  private final S3Client s3;
  private final S3Objects objects;
  private final String bucket;
  private final String keyPrefix;
  private final Duration grace;
  private final Duration retention;
  private final Clock clock;

  /**
   * @param grace how old an unreferenced object must be before it is deleted (0 or more)
   * @param retention how long committed versions stay restorable (positive)
   * @throws IllegalArgumentException for a negative grace or a retention that is not positive
   */
  public StoreCollector(S3Client s3, String bucket, String keyPrefix, Duration grace, Duration retention, Clock clock) {
    if (grace.isNegative() || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("grace must be 0 or more and retention positive: " + grace + ", " + retention);
    }
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.objects = new S3Objects(s3, bucket);
    this.bucket = bucket;
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.grace = grace;
    this.retention = retention;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What one collection did.
   *
   * @param databases databases seen
   * @param objects objects seen
   * @param deleted objects deleted
   * @param errors databases or deletions that failed; the next run tries again
   */
  public record Collected(int databases, int objects, int deleted, int errors) {
    /** This report as one line of JSON, {@code {"databases":N,"objects":N,"deleted":N,"errors":N}}. */
    public String toJson() {
      return "{\"databases\":" + databases + ",\"objects\":" + objects + ",\"deleted\":" + deleted
          + ",\"errors\":" + errors + "}";
    }
  }

  /**
   * Collects every database of the bucket's prefix once.
   *
   * @throws AwsCallFailedException when the prefix cannot be listed
   */
  public Collected collect() {
    Map<String, List<S3Object>> byDatabase = new TreeMap<>();
    String root = keyPrefix + "db/";
    int seen = 0;
    try {
      for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root)).contents()) {
        String rest = object.key().substring(root.length());
        int slash = rest.indexOf('/');
        String db = slash >= 0 ? rest.substring(0, slash) : rest.endsWith(".sqlite") ? rest.substring(0, rest.length() - 7) : null;
        if (db != null) {
          byDatabase.computeIfAbsent(db, k -> new ArrayList<>()).add(object);
          seen++;
        }
      }
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 ListObjectsV2 " + root, e);
    }
    int deleted = 0;
    int errors = 0;
    for (var entry : byDatabase.entrySet()) {
      try {
        for (String key : unreferenced(new DatabaseKeys(keyPrefix, entry.getKey()), entry.getValue())) {
          try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
            deleted++;
          } catch (SdkException e) {
            log.warn("cannot delete {}: {}", key, e.toString());
            errors++;
          }
        }
      } catch (RuntimeException e) {
        log.warn("cannot collect database {}: {}", entry.getKey(), e.toString());
        errors++;
      }
    }
    return new Collected(byDatabase.size(), seen, deleted, errors);
  }

  /** The keys of {@code stored} (one database's objects) that may be deleted now. */
  List<String> unreferenced(DatabaseKeys keys, List<S3Object> stored) {
    Instant now = clock.instant();
    Instant graceEnd = now.minus(grace);
    Set<String> keep = new HashSet<>();
    keep.add(keys.manifest());
    boolean hasManifest = stored.stream().anyMatch(o -> o.key().equals(keys.manifest()));
    if (hasManifest) {
      Manifest manifest = switch (objects.read(keys.manifest(), null)) {
        case S3Objects.Read.Found f -> Manifest.decode(f.bytes(), keys.manifest());
        default -> null;
      };
      if (manifest == null) {
        return List.of();
      }
      manifest.chain().forEach(e -> keep.add(e.key()));
      keep.addAll(history(keys, stored, manifest.head(), now.minus(retention)));
    } else {
      keep.add(keys.v1());
    }
    List<String> delete = new ArrayList<>();
    for (S3Object object : stored) {
      if (!keep.contains(object.key()) && object.lastModified().isBefore(graceEnd)) {
        delete.add(object.key());
      }
    }
    return delete;
  }

  /** The log keys on the walk from {@code head} back to the newest snapshot older than {@code cutoff}. */
  private static List<String> history(DatabaseKeys keys, List<S3Object> stored, String head, Instant cutoff) {
    Map<String, S3Object> byId = new HashMap<>();
    Map<String, LogKey> parsed = new HashMap<>();
    for (S3Object object : stored) {
      if (object.key().startsWith(keys.logPrefix())) {
        LogKey.parse(object.key().substring(keys.logPrefix().length())).ifPresent(k -> {
          byId.put(k.id(), object);
          parsed.put(k.id(), k);
        });
      }
    }
    List<String> kept = new ArrayList<>();
    String id = head;
    while (byId.containsKey(id)) {
      S3Object object = byId.get(id);
      LogKey key = parsed.get(id);
      kept.add(object.key());
      if (key.snapshot() && object.lastModified().isBefore(cutoff)) {
        break;
      }
      id = key.parent();
    }
    return kept;
  }
}
