package io.sqlq.cli;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Submits the statements of a script in order, one request each, with a progress bar of the
 * replies received, and sums up the outcome.
 */
final class ScriptRun {
  /** How many failed statements the summary shows in full. */
  static final int ERRORS_SHOWN = 5;

  private ScriptRun() {}

  /**
   * The outcome of a script run.
   *
   * @param statements statements submitted
   * @param ok statements that got an OK reply
   * @param errors statements that got an ERROR reply
   * @param unanswered statements whose future failed (timeout, send failure): they may or may
   *     not have been applied
   * @param firstErrors up to {@link #ERRORS_SHOWN} descriptions of failed statements
   * @param consumer what the local consumer did during the run, or null when it is not local
   * @param seconds wall time from the first submit to the last reply
   * @param version the highest database version seen in a reply
   */
  record Summary(String db, int statements, int ok, int errors, int unanswered, List<String> firstErrors,
      ConsumerCounts consumer, double seconds, long version) {

    boolean clean() {
      return errors == 0 && unanswered == 0;
    }

    String format() {
      StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT,
          "%s: %d statements, %d OK, %d ERROR, %d unanswered; %s%.1f s wall, %.0f statements/s;"
              + " database version %d",
          db, statements, ok, errors, unanswered,
          consumer == null ? "" : consumer.batches() + " batches, " + consumer.failedRecords() + " records redelivered; ",
          seconds, seconds > 0 ? statements / seconds : 0.0, version));
      firstErrors.forEach(e -> out.append(System.lineSeparator()).append("  ").append(e));
      return out.toString();
    }
  }

  /**
   * Counters of a local consumer.
   *
   * @param batches batches handled
   * @param failedRecords records reported failed, each redelivered after its visibility timeout
   */
  record ConsumerCounts(long batches, long failedRecords) {
    ConsumerCounts minus(ConsumerCounts before) {
      return new ConsumerCounts(batches - before.batches, failedRecords - before.failedRecords);
    }
  }

  /**
   * Submits {@code statements} in order and waits for every reply.
   *
   * @param consumer the local consumer's counters, or null when the consumer runs elsewhere
   * @param progress where the progress bar is drawn
   */
  static Summary run(SqlqClient client, String db, List<String> statements, Supplier<ConsumerCounts> consumer,
      PrintStream progress) {
    ConsumerCounts before = consumer == null ? null : consumer.get();
    long start = System.nanoTime();
    List<CompletableFuture<Reply>> futures = new ArrayList<>(statements.size());
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName(db).setInitialMax(statements.size())
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
        .setConsumer(new ConsoleProgressBarConsumer(progress)).build()) {
      for (String sql : statements) {
        futures.add(client.database(db).submit(Statement.of(sql)).whenComplete((reply, error) -> bar.step()));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int ok = 0;
    int errors = 0;
    int unanswered = 0;
    long version = 0;
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      CompletableFuture<Reply> future = futures.get(i);
      if (future.isCompletedExceptionally()) {
        unanswered++;
        String reason = future.handle((r, e) -> e.getCause() == null ? e.getMessage() : e.getCause().getMessage()).join();
        addShown(shown, i, statements.get(i), "NO REPLY " + reason);
        continue;
      }
      Reply reply = future.join();
      version = Math.max(version, reply.dbVersion());
      if (reply.ok()) {
        ok++;
      } else {
        errors++;
        addShown(shown, i, statements.get(i), reply.error().code() + " " + reply.error().message());
      }
    }
    return new Summary(db, statements.size(), ok, errors, unanswered, shown,
        consumer == null ? null : consumer.get().minus(before), seconds, version);
  }

  private static void addShown(List<String> shown, int index, String sql, String what) {
    if (shown.size() < ERRORS_SHOWN) {
      String oneLine = sql.replaceAll("\\s+", " ");
      shown.add("statement " + (index + 1) + ": " + what + " -- "
          + (oneLine.length() > 80 ? oneLine.substring(0, 77) + "..." : oneLine));
    }
  }
}
