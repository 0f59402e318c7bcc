package io.sqlq.core.protocol;

/**
 * Where a request stands in its producer's stream to one database (DESIGN.md, "Exactly-once
 * state"; the idea of Kafka's idempotent producer): the SDK gives each {@code SqlqClient} a
 * random producer id and numbers its requests to each database 1, 2, 3, ... in the order it
 * queues them. Travels as the request fields {@code producer} and {@code seq}.
 *
 * @param producer the producer id, 1 to {@value #MAX_PRODUCER_LENGTH} characters
 * @param number the sequence number, at least 1
 * @throws IllegalArgumentException when either is out of range
 */
public record Sequence(String producer, long number) {
  /** Longest producer id, in characters: room for a UUID (36) and a prefix. */
  public static final int MAX_PRODUCER_LENGTH = 64;

  public Sequence {
    if (producer == null || producer.isEmpty() || producer.length() > MAX_PRODUCER_LENGTH) {
      throw new IllegalArgumentException("a producer id needs 1 to " + MAX_PRODUCER_LENGTH + " characters");
    }
    if (number < 1) {
      throw new IllegalArgumentException("a sequence number is at least 1, not " + number);
    }
  }
}
