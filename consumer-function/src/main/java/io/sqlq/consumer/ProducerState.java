package io.sqlq.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one database remembers of one producer (DESIGN.md, "Exactly-once state"): the highest
 * sequence number applied, the version and time of the batch that last applied one of its
 * requests, and the ranges of numbers it skipped. Pure bookkeeping; {@link SqlqTables} loads and
 * stores it, {@link BatchApplier} asks it about each request. Not thread-safe.
 */
final class ProducerState {
  /** What a sequence number is to this producer. */
  enum Verdict {
    /** Above every number applied: a request not seen before. */
    NEW,
    /** Inside a skipped range: a request the group passed over, back by replay. */
    REPLAYED,
    /** At or below the highest number applied and not skipped: applied before. */
    DUPLICATE
  }

  /**
   * Numbers {@code first} to {@code last} (inclusive) that were never applied, recorded at
   * {@code skippedAtMs} (epoch ms).
   */
  record Range(long first, long last, long skippedAtMs) {
    Range {
      if (first < 1 || last < first) {
        throw new IllegalArgumentException("a skipped range needs 1 <= first <= last: " + first + ".." + last);
      }
    }
  }

  private final String producer;
  private long lastSeq;
  private long version;
  private long appliedAtMs;
  /** Skipped ranges by their first number; never overlapping. */
  private final TreeMap<Long, Range> skipped = new TreeMap<>();

  /**
   * @param lastSeq the highest number applied, 0 for a producer not seen
   * @param version the version of the batch that last applied one of its requests
   * @param appliedAtMs when that batch ran (epoch ms)
   */
  ProducerState(String producer, long lastSeq, long version, long appliedAtMs, List<Range> skipped) {
    this.producer = producer;
    this.lastSeq = lastSeq;
    this.version = version;
    this.appliedAtMs = appliedAtMs;
    skipped.forEach(r -> this.skipped.put(r.first(), r));
  }

  /** A producer this database has no state of (never seen, or expired). */
  static ProducerState unseen(String producer) {
    return new ProducerState(producer, 0, 0, 0, List.of());
  }

  Verdict verdict(long seq) {
    if (seq > lastSeq) {
      return Verdict.NEW;
    }
    return rangeOf(seq) != null ? Verdict.REPLAYED : Verdict.DUPLICATE;
  }

  /**
   * Records that request {@code seq} was answered in the batch of {@code version} at
   * {@code nowMs}: a new number above the highest records the numbers between as skipped and
   * becomes the highest; a replayed number leaves its range (which may split in two); the number
   * of a duplicate changes nothing but the version and time.
   */
  void applied(long seq, long version, long nowMs) {
    if (seq > lastSeq) {
      if (seq > lastSeq + 1) {
        skipped.put(lastSeq + 1, new Range(lastSeq + 1, seq - 1, nowMs));
      }
      lastSeq = seq;
    } else {
      Range range = rangeOf(seq);
      if (range != null) {
        skipped.remove(range.first());
        if (range.first() < seq) {
          skipped.put(range.first(), new Range(range.first(), seq - 1, range.skippedAtMs()));
        }
        if (seq < range.last()) {
          skipped.put(seq + 1, new Range(seq + 1, range.last(), range.skippedAtMs()));
        }
      }
    }
    this.version = version;
    this.appliedAtMs = nowMs;
  }

  private Range rangeOf(long seq) {
    Map.Entry<Long, Range> floor = skipped.floorEntry(seq);
    return floor != null && seq <= floor.getValue().last() ? floor.getValue() : null;
  }

  String producer() {
    return producer;
  }

  long lastSeq() {
    return lastSeq;
  }

  long version() {
    return version;
  }

  long appliedAtMs() {
    return appliedAtMs;
  }

  /** The skipped ranges, lowest first. */
  List<Range> skipped() {
    return new ArrayList<>(skipped.values());
  }
}
