package io.sqlq.cli.bench;

import java.util.Locale;

/** The four ways the bench runs a workload, in the order they run. */
enum Mode {
  /** The statements straight into a local SQLite file, one transaction, prepared statements: the engine's limit. */
  SQLITE("straight into SQLite, one transaction, prepared statements; latency: each statement's execution"),
  /** The consumer's apply step alone on a local file, no AWS: what sqlq's own code costs. */
  APPLIER("BatchApplier alone on a local file (decode, savepoints, exactly-once rows, encoded replies), batches of"
      + " 10 messages of up to 1,000 requests as the SDK packs them; latency: the batch's time"),
  /** sqlq as built: the SDK, SQS FIFO, the consumer, S3 and the lock on the local stack. */
  PIPELINE("sqlq as built on the local stack (SDK bundles, 10-message batches, one lock and one publish per batch);"
      + " latency: submit to reply, with the SDK's 10,000 requests in flight"),
  /** The original per-request design: lock, whole download, one statement, whole upload, release, reply. */
  BASELINE("the original per-request design on the same emulator: per request lock, download the whole file (no"
      + " cache), apply one statement, upload the whole file, release, reply; one caller per database, for a"
      + " time budget; latency: each call");

  private final String description;

  Mode(String description) {
    this.description = description;
  }

  /** The mode's name in tables, JSON and database names: {@code sqlite}, {@code applier}, ... */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the mode runs and what its latency measures. */
  String description() {
    return description;
  }

  /** Whether the mode talks to the (emulated) AWS APIs. */
  boolean usesAws() {
    return this == PIPELINE || this == BASELINE;
  }
}
