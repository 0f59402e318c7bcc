package io.sqlq.cli.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The storage series' figures ({@link StorageRuns}): what layout v2 uploads per batch against the
 * pages the batch changed and against the whole-file layout, in one run on the same statements;
 * the exported file against plain SQLite; and what a fresh reader downloads to catch up. Bytes
 * are bytes, times seconds.
 *
 * @param inserts the single-row INSERT requests (after one request creating the table and index)
 * @param batchRequests requests per batch
 * @param versions versions published, one per batch
 * @param fileBytes the working copy's size after the last batch: the file an export gives
 * @param plainSqliteBytes the file plain JDBC makes from the same statements, without sqlq's tables
 * @param changedPageBytes bytes of the pages the batches changed, summed over the batches
 * @param v2UploadBytes bytes layout v2's PutObjects carried (deltas, merged deltas, snapshots, manifests)
 * @param v2Puts layout v2's PutObject requests
 * @param worstBatchRatio the largest of a batch's v2 upload bytes over its changed-page bytes
 * @param worstBatch the batch (1-based) of {@code worstBatchRatio}
 * @param wholeFileUploadBytes bytes the whole-file layout uploaded: the file after each batch
 * @param applySeconds the applier's time over all batches, the same for both layouts
 * @param v2PublishSeconds layout v2's publish time over all batches (hashing, deltas, manifest)
 * @param wholeFilePublishSeconds the whole-file PutObjects' time over all batches
 * @param catchUpGets GetObject requests of a fresh store fetching the database from nothing
 * @param catchUpBytes bytes those requests downloaded
 * @param currentCatchUpGets GetObject requests of the same store fetching it again, current (a 304)
 * @param rows the rows of the table in the working copy after the last batch
 * @param errors error replies and failed checks: the figures of a run with errors are not printed
 * @param firstError the first error's text, or null
 * @param batches one row per batch, printed in the table only (not in the JSON)
 */
record StorageFigures(long inserts, int batchRequests, long versions, long fileBytes, long plainSqliteBytes,
    long changedPageBytes, long v2UploadBytes, long v2Puts, double worstBatchRatio, int worstBatch,
    long wholeFileUploadBytes, double applySeconds, double v2PublishSeconds, double wholeFilePublishSeconds,
    long catchUpGets, long catchUpBytes, long currentCatchUpGets, long rows, long errors, String firstError,
    @JsonIgnore List<Batch> batches) {

  /**
   * One batch.
   *
   * @param number 1-based
   * @param fileBytes the working copy's size after it
   * @param changedPageBytes bytes of the pages it changed
   * @param v2UploadBytes bytes layout v2's publish uploaded
   * @param applyMs the applier's time
   * @param v2PublishMs layout v2's publish time
   * @param wholeFilePublishMs the whole file's PutObject time
   */
  record Batch(int number, long fileBytes, long changedPageBytes, long v2UploadBytes, double applyMs,
      double v2PublishMs, double wholeFilePublishMs) {}

  StorageFigures {
    batches = List.copyOf(batches);
  }

  /** Layout v2's upload bytes over the changed pages' bytes, over the whole run. */
  @JsonProperty
  public double v2OverChangedPages() {
    return v2UploadBytes / (double) Math.max(1, changedPageBytes);
  }

  /** Layout v2's upload bytes as a percentage of the whole-file layout's. */
  @JsonProperty
  public double v2PercentOfWholeFile() {
    return 100.0 * v2UploadBytes / Math.max(1, wholeFileUploadBytes);
  }

  /** The exported file's size over plain SQLite's: what sqlq's tables cost. */
  @JsonProperty
  public double fileOverPlainSqlite() {
    return fileBytes / (double) Math.max(1, plainSqliteBytes);
  }

  /** Statements/s with layout v2: the statements over apply plus v2 publish time. */
  @JsonProperty
  public double v2StatementsPerSecond() {
    return statements() / (applySeconds + v2PublishSeconds);
  }

  /** Statements/s with the whole-file layout: the statements over apply plus whole-file publish time. */
  @JsonProperty
  public double wholeFileStatementsPerSecond() {
    return statements() / (applySeconds + wholeFilePublishSeconds);
  }

  /** The statements applied: the inserts and the two that create the table and its index. */
  private long statements() {
    return inserts + Workloads.ORDERS_SCHEMA.size();
  }
}
