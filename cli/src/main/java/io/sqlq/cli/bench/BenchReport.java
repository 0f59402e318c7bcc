package io.sqlq.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One bench run's results and how it prints them: a table for people ({@link #table()}), JSON for
 * machines ({@link #json()}), and a report directory with a Markdown table and PNG charts
 * ({@link #write}).
 *
 * @param command the command line that ran
 * @param startedAt when the run started (ISO-8601)
 * @param seconds the run's wall time
 * @param quick whether it was {@code --quick}
 * @param machine what it ran on
 * @param modes each mode's description (what it runs, what its latency measures)
 * @param notes what else a reader must know to read the figures
 * @param results one row per workload and mode, in run order
 * @param ratios per workload, the statements/s ratios the issue asks for
 * @param targets the ratios sqlq aims at on Chinook
 * @param reads one row per kind of read ({@link ReadRuns.Kind}), empty when the read series did not run
 * @param storage the storage series' figures ({@link StorageRuns}), null when it did not run
 */
record BenchReport(String command, String startedAt, double seconds, boolean quick, Map<String, String> machine,
    Map<String, String> modes, List<String> notes, List<Figures> results, List<Ratios> ratios,
    Map<String, Double> targets, List<ReadFigures> reads, StorageFigures storage) {

  /** The files {@link #write} makes in a report directory. */
  static final List<String> FILES = List.of("report.md", "report.json", "by-mode.png", "by-size.png",
      "by-databases.png");

  /** The ratios of one workload, null where a mode did not run. */
  record Ratios(String workload, Double pipelineOverBaseline, Double pipelineOverSqlite, Double applierOverSqlite) {}

  /** The targets on Chinook. */
  static final Map<String, Double> TARGETS = Map.of("pipelineOverBaseline", 300.0, "pipelineOverSqlite", 0.25,
      "applierOverSqlite", 0.5);

  static List<Ratios> ratios(List<Figures> results) {
    Map<String, Map<String, Double>> throughput = new LinkedHashMap<>();
    for (Figures f : results) {
      throughput.computeIfAbsent(f.workload(), w -> new LinkedHashMap<>()).put(f.mode(), f.statementsPerSecond());
    }
    List<Ratios> ratios = new ArrayList<>();
    throughput.forEach((workload, byMode) -> ratios.add(new Ratios(workload,
        ratio(byMode, "pipeline", "baseline"), ratio(byMode, "pipeline", "sqlite"), ratio(byMode, "applier", "sqlite"))));
    return ratios;
  }

  private static Double ratio(Map<String, Double> byMode, String over, String under) {
    Double a = byMode.get(over);
    Double b = byMode.get(under);
    return a == null || b == null || b == 0 ? null : a / b;
  }

  /** The report as JSON (indented). */
  String json() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException("a report of records, maps and numbers always serializes", e);
    }
  }

  /** The table printed on standard output. */
  String table() {
    StringBuilder out = new StringBuilder();
    if (!results.isEmpty()) {
      out.append(String.format(Locale.ROOT, "%-14s %-8s %9s %10s %9s %9s %9s %9s %10s %10s %17s %13s %9s%n",
          "workload", "mode", "stmts", "stmts/s", "cpu us/st", "p50 ms", "p95 ms", "p99 ms", "S3 down/st", "S3 up/st",
          "calls/st EC2/S3/SQS", "lock p50/p99", "req/batch"));
    }
    for (Figures f : results) {
      out.append(String.format(Locale.ROOT, "%-14s %-8s %9s %10s %9s %9s %9s %9s %10s %10s %17s %13s %9s%n",
          f.workload(), f.mode(), count(f.statements()) + (f.errors() > 0 ? "!" : ""), rate(f.statementsPerSecond()),
          micros(f.jvmCpuMicrosPerStatement()),
          ms(f.latencyMs().get("p50")), ms(f.latencyMs().get("p95")), ms(f.latencyMs().get("p99")),
          bytes(f.s3BytesDownPerStatement()), bytes(f.s3BytesUpPerStatement()), calls(f), lockWait(f),
          f.requestsPerBatch() == null ? "-" : String.format(Locale.ROOT, "%.0f", f.requestsPerBatch())));
    }
    if (!results.isEmpty()) {
      out.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-23s %9s %9s %9s %9s %9s %9s %9s%n",
          "mean ms per batch", "lock wait", "fetch", "apply", "publish", "release", "reply", "total"));
      for (Figures f : results) {
        if (f.batchStepMs() != null && !f.mode().equals("applier")) {
          out.append(String.format(Locale.ROOT, "%-23s %9s %9s %9s %9s %9s %9s %9s%n", f.workload() + " " + f.mode(),
              ms(f.batchStepMs().get("LockWait")), ms(f.batchStepMs().get("Fetch")), ms(f.batchStepMs().get("Apply")),
              ms(f.batchStepMs().get("Publish")), ms(f.batchStepMs().get("Release")), ms(f.batchStepMs().get("Reply")),
              ms(f.batchStepMs().get("Total"))));
        }
      }
      out.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-14s %18s %16s %15s%n", "ratios",
          "pipeline/baseline", "pipeline/sqlite", "applier/sqlite"));
      for (Ratios r : ratios) {
        out.append(String.format(Locale.ROOT, "%-14s %18s %16s %15s%n", r.workload(), ratio(r.pipelineOverBaseline()),
            ratio(r.pipelineOverSqlite()), ratio(r.applierOverSqlite())));
      }
      out.append(String.format(Locale.ROOT, "%-14s %18s %16s %15s%n", "target (chinook)",
          ratio(targets.get("pipelineOverBaseline")), ratio(targets.get("pipelineOverSqlite")),
          ratio(targets.get("applierOverSqlite"))));
    }
    if (!reads.isEmpty()) {
      out.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-20s %7s %9s %9s %9s %9s %9s%n",
          "reads", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "S3/read"));
      for (ReadFigures r : reads) {
        out.append(String.format(Locale.ROOT, "%-20s %7s %9s %9s %9s %9s %9.2f%n", r.kind(),
            count(r.reads()) + (r.errors() > 0 ? "!" : ""), ms(r.latencyMs().get("p50")), ms(r.latencyMs().get("p95")),
            ms(r.latencyMs().get("p99")), ms(r.latencyMs().get("max")), r.s3CallsPerRead()));
      }
    }
    if (storage != null && storage.errors() == 0) {
      out.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-13s %10s %10s %10s %6s %9s %9s %9s%n",
          "storage batch", "file", "changed", "v2 up", "v2/chg", "apply ms", "v2 ms", "whole ms"));
      for (StorageFigures.Batch b : storage.batches()) {
        out.append(String.format(Locale.ROOT, "%13d %10s %10s %10s %6.2f %9s %9s %9s%n", b.number(),
            bytes((double) b.fileBytes()), bytes((double) b.changedPageBytes()), bytes((double) b.v2UploadBytes()),
            b.v2UploadBytes() / (double) Math.max(1, b.changedPageBytes()), ms(b.applyMs()), ms(b.v2PublishMs()),
            ms(b.wholeFilePublishMs())));
      }
      storageTotals().forEach((what, value) -> out.append(String.format(Locale.ROOT, "%-40s %s%n", what, value)));
    }
    out.append(System.lineSeparator());
    if (storage != null && storage.errors() > 0) {
      out.append(String.format(Locale.ROOT, "! storage: %d errors, no figures; the first: %s%n", storage.errors(),
          storage.firstError()));
    }
    reads.stream().filter(r -> r.errors() > 0).forEach(r -> out.append(String.format(Locale.ROOT,
        "! reads %s: %d failed, the first: %s%n", r.kind(), r.errors(), r.firstError())));
    results.stream().filter(f -> f.errors() > 0).forEach(f -> out.append(String.format(Locale.ROOT,
        "! %s %s: %d statements failed, the first: %s%n", f.workload(), f.mode(), f.errors(), f.firstError())));
    notes.forEach(n -> out.append("- ").append(n).append(System.lineSeparator()));
    out.append(String.format(Locale.ROOT, "%.0f s on %s%n", seconds, machine.get("summary")));
    return out.toString();
  }

  /** Writes {@link #FILES} into {@code dir} (created when missing). */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"), json(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
    BenchCharts.write(this, dir);
  }

  /** The report as Markdown: the command, the machine, the table, the ratios, the notes and the charts. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# sqlq bench").append(quick ? " (--quick)" : "").append("\n\n");
    md.append("`").append(command).append("`, started ").append(startedAt).append(", ")
        .append(String.format(Locale.ROOT, "%.0f s", seconds)).append(".\n\n");
    md.append("Machine: ").append(machine.get("summary")).append(".\n\n");
    if (!results.isEmpty()) {
      workloadTables(md);
    }
    if (!reads.isEmpty()) {
      md.append(String.format(Locale.ROOT, "%nReads (one point read at a time, databases of %.1f MB):%n%n",
          reads.getFirst().databaseMb()));
      md.append("| read | what it does | reads | p50 ms | p95 ms | p99 ms | max ms | S3 calls/read |\n"
          + "|---|---|---:|---:|---:|---:|---:|---:|\n");
      for (ReadFigures r : reads) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.2f |%n", r.kind(), r.description(),
            count(r.reads()), ms(r.latencyMs().get("p50")), ms(r.latencyMs().get("p95")), ms(r.latencyMs().get("p99")),
            ms(r.latencyMs().get("max")), r.s3CallsPerRead()));
      }
    }
    if (storage != null && storage.errors() == 0) {
      md.append(String.format(Locale.ROOT, "%nStorage layouts (%,d INSERTs in %d batches of %,d requests, both layouts"
          + " published after each batch):%n%n| figure | value |%n|---|---:|%n", storage.inserts(), storage.versions(),
          storage.batchRequests()));
      storageTotals().forEach((what, value) -> md.append("| ").append(what).append(" | ").append(value).append(" |\n"));
    }
    md.append("\nModes:\n\n");
    modes.forEach((mode, description) -> md.append("- `").append(mode).append("`: ").append(description).append("\n"));
    md.append("\nNotes:\n\n");
    notes.forEach(n -> md.append("- ").append(n).append("\n"));
    List<Figures> failed = results.stream().filter(f -> f.errors() > 0).toList();
    List<ReadFigures> failedReads = reads.stream().filter(r -> r.errors() > 0).toList();
    boolean storageFailed = storage != null && storage.errors() > 0;
    if (!failed.isEmpty() || !failedReads.isEmpty() || storageFailed) {
      md.append("\nErrors:\n\n");
      if (storageFailed) {
        md.append("- storage: ").append(storage.errors()).append(" errors, no figures; the first: ")
            .append(storage.firstError()).append("\n");
      }
      failedReads.forEach(r -> md.append("- reads ").append(r.kind()).append(": ").append(r.errors())
          .append(" failed, the first: ").append(r.firstError()).append("\n"));
      failed.forEach(f -> md.append("- ").append(f.workload()).append(' ').append(f.mode()).append(": ")
          .append(f.errors()).append(" statements failed, the first: ").append(f.firstError()).append("\n"));
    }
    md.append("\n![throughput and latency by mode](by-mode.png)\n\n![by database size](by-size.png)\n\n"
        + "![by database count](by-databases.png)\n");
    return md.toString();
  }

  /** The Markdown tables of the modes' workloads: figures, where a batch's time goes, the ratios. */
  private void workloadTables(StringBuilder md) {
    md.append("| workload | mode | start MB | databases | statements | statements/s | JVM CPU µs/statement"
        + " | latency p50 ms | p95 ms | p99 ms | S3 bytes down/statement | S3 bytes up/statement"
        + " | AWS calls/statement | lock wait p50/p99 ms | requests/batch |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
    for (Figures f : results) {
      md.append(String.format(Locale.ROOT,
          "| %s | %s | %.1f | %d | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
          f.workload(), f.mode(), f.startMb(), f.databases(), count(f.statements()),
          f.statements() < f.planned() ? " of " + count(f.planned()) : "", rate(f.statementsPerSecond()),
          micros(f.jvmCpuMicrosPerStatement()),
          ms(f.latencyMs().get("p50")), ms(f.latencyMs().get("p95")), ms(f.latencyMs().get("p99")),
          bytes(f.s3BytesDownPerStatement()), bytes(f.s3BytesUpPerStatement()), callsByService(f), lockWait(f),
          f.requestsPerBatch() == null ? "-" : String.format(Locale.ROOT, "%.0f", f.requestsPerBatch())));
    }
    md.append("\nWhere a batch's time goes (mean ms per batch that succeeded; the baseline's batch is one request):\n\n"
        + "| workload | mode | batches | requests/batch | lock wait | fetch | apply | publish | release | reply | total |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Figures f : results) {
      if (f.batchStepMs() != null && !f.mode().equals("applier")) {
        Map<String, Double> s = f.batchStepMs();
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %s |%n",
            f.workload(), f.mode(), f.batches(), f.requestsPerBatch(), ms(s.get("LockWait")), ms(s.get("Fetch")),
            ms(s.get("Apply")), ms(s.get("Publish")), ms(s.get("Release")), ms(s.get("Reply")), ms(s.get("Total"))));
      }
    }
    md.append("\n| ratio of statements/s | pipeline/baseline | pipeline/sqlite | applier/sqlite |\n|---|---:|---:|---:|\n");
    for (Ratios r : ratios) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", r.workload(), ratio(r.pipelineOverBaseline()),
          ratio(r.pipelineOverSqlite()), ratio(r.applierOverSqlite())));
    }
    md.append(String.format(Locale.ROOT, "| target (chinook) | %s | %s | %s |%n",
        ratio(targets.get("pipelineOverBaseline")), ratio(targets.get("pipelineOverSqlite")),
        ratio(targets.get("applierOverSqlite"))));
  }

  /** The storage series' totals, by what each is, as the table and the Markdown print them. */
  private Map<String, String> storageTotals() {
    StorageFigures s = storage;
    Map<String, String> totals = new LinkedHashMap<>();
    totals.put("batches (versions)", count(s.versions()));
    totals.put("file after the last batch", String.format(Locale.ROOT, "%,d bytes (%.2fx plain SQLite's %,d; issue 11:"
        + " at most 1.2x)",
        s.fileBytes(), s.fileOverPlainSqlite(), s.plainSqliteBytes()));
    totals.put("changed pages, all batches", String.format(Locale.ROOT, "%,d bytes", s.changedPageBytes()));
    totals.put("layout v2 uploaded", String.format(Locale.ROOT, "%,d bytes in %,d PutObjects (%.2fx the changed"
        + " pages; worst batch %.2fx, batch %d; issue 11: each at most 3x)", s.v2UploadBytes(), s.v2Puts(), s.v2OverChangedPages(),
        s.worstBatchRatio(), s.worstBatch()));
    totals.put("whole-file layout uploaded", String.format(Locale.ROOT, "%,d bytes (v2: %.2f%% of it; issue 11: at"
        + " most 5%%)",
        s.wholeFileUploadBytes(), s.v2PercentOfWholeFile()));
    totals.put("statements/s, v2 / whole-file", String.format(Locale.ROOT, "%s / %s (apply %.1f s, publish %.1f s"
        + " / %.1f s; issue 11: v2 not below)", rate(s.v2StatementsPerSecond()), rate(s.wholeFileStatementsPerSecond()), s.applySeconds(),
        s.v2PublishSeconds(), s.wholeFilePublishSeconds()));
    totals.put("catch-up from nothing", String.format(Locale.ROOT, "%d GETs, %,d bytes", s.catchUpGets(),
        s.catchUpBytes()));
    totals.put("catch-up of a current copy", String.format(Locale.ROOT, "%d GET", s.currentCatchUpGets()));
    return totals;
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String ms(Double ms) {
    if (ms == null) {
      return "-";
    }
    return ms >= 100 ? String.format(Locale.ROOT, "%,.0f", ms) : ms >= 1 ? String.format(Locale.ROOT, "%.1f", ms)
        : String.format(Locale.ROOT, "%.3f", ms);
  }

  /** Statements/s: whole above 100, else with the decimals a slow mode (the baseline on large files) needs. */
  static String rate(double perSecond) {
    return perSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond)
        : perSecond >= 1 ? String.format(Locale.ROOT, "%.1f", perSecond) : String.format(Locale.ROOT, "%.2f", perSecond);
  }

  private static String micros(double us) {
    return us >= 100 ? String.format(Locale.ROOT, "%,.0f", us) : String.format(Locale.ROOT, "%.1f", us);
  }

  private static String ratio(Double r) {
    if (r == null) {
      return "-";
    }
    return r >= 10 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.3f", r);
  }

  static String bytes(Double b) {
    if (b == null) {
      return "-";
    }
    if (b >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MB", b / (1 << 20));
    }
    if (b >= 1 << 10) {
      return String.format(Locale.ROOT, "%.1f KB", b / (1 << 10));
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }

  private static String calls(Figures f) {
    if (f.awsCallsPerStatement().isEmpty()) {
      return "-";
    }
    return String.join("/", List.of("EC2", "S3", "SQS").stream().map(s -> Optional.ofNullable(
        f.awsCallsPerStatement().get(s)).map(v -> String.format(Locale.ROOT, v >= 1 ? "%.1f" : "%.3f", v))
        .orElse("0")).toList());
  }

  private static String callsByService(Figures f) {
    if (f.awsCallsPerStatement().isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    f.awsCallsPerStatement().forEach((service, v) -> parts.add(service + " "
        + String.format(Locale.ROOT, v >= 1 ? "%.1f" : "%.4f", v)));
    return String.join(", ", parts);
  }

  private static String lockWait(Figures f) {
    return f.lockWaitMs() == null ? "-" : ms(f.lockWaitMs().get("p50")) + "/" + ms(f.lockWaitMs().get("p99"));
  }
}
