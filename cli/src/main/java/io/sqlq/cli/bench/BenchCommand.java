package io.sqlq.cli.bench;

import io.sqlq.cli.bench.Workload.Series;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.local.LocalEmulators;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sqlq bench}: the pipeline against the per-request design it replaced and against SQLite
 * itself, on the same workloads, in one process and one run (see {@link Mode}, {@link Workloads}).
 * Starts local emulators of its own ({@link LocalEmulators}: ElasticMQ for SQS, {@code moto_server}
 * for S3 and EC2; it never uses the ones {@code AWS_ENDPOINT_URL} names), prints a progress bar on standard error while it runs and a
 * table (or, with {@code --json}, the JSON report) on standard output, and with {@code --report
 * DIR} writes a Markdown report and PNG charts. Exit code 0 when every statement succeeded, 1
 * otherwise.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure the pipeline against the original per-request design and against SQLite itself,"
        + " side by side in one run: statements/s, latency percentiles, S3 bytes and AWS calls per statement,"
        + " lock waits, and their ratios.",
        "Modes: sqlite, applier, pipeline, baseline. Workloads: Chinook 1.4.4, inserts into databases of about"
            + " 1/16/128 MB, a 90/10 read/write mix, inserts over 1/4/16 databases; and the latency of each kind of"
            + " read (warm snapshot, warm latest, cold, read-your-writes, through the queue); and what each storage"
            + " layout uploads and downloads for 300,000 generated INSERTs."})
public final class BenchCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);
  /** The Chinook script, relative to the repository's root (the working directory of {@code ./sqlq}). */
  static final Path CHINOOK = Path.of("examples", "chinook", "Chinook_Sqlite_1.4.4_rows.sql");

  @Spec CommandSpec spec;

  @Option(names = "--quick", description = "A small run (smaller workloads, a 1 s baseline budget) that ends within a"
      + " minute; for CI and a first look.")
  boolean quick;

  @Option(names = "--json", description = "Print the report as JSON on standard output instead of the table.")
  boolean json;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Also write DIR/report.md, DIR/report.json and PNG charts (by-mode, by-size, by-databases).")
  Path report;

  @Option(names = "--chinook", paramLabel = "FILE", description = "The Chinook 1.4.4 script (default: ${DEFAULT-VALUE}).",
      defaultValue = "examples/chinook/Chinook_Sqlite_1.4.4_rows.sql")
  Path chinook;

  @Option(names = "--modes", split = ",", paramLabel = "MODE",
      description = "Modes to run, of sqlite, applier, pipeline, baseline (default: all).")
  List<String> modeNames;

  @Option(names = "--series", split = ",", paramLabel = "SERIES",
      description = "Workload series to run, of chinook, size, mix, databases, reads, storage (default: all; reads"
          + " needs the pipeline mode, storage the applier mode).")
  List<String> seriesNames;

  @Option(names = "--baseline-seconds", paramLabel = "S",
      description = "Time budget of the baseline on each workload (default: 20, with --quick 1): it is about a thousand"
          + " times slower, so it runs the first statements of each workload for this long.")
  Integer baselineSeconds;

  @Option(names = "--local-runs", paramLabel = "N",
      description = "Runs of the local modes (sqlite, applier) on each workload, of which the median is reported"
          + " (default: 5, with --quick 1); the modes on the emulator run once.")
  Integer localRuns;

  @Option(names = "--storage-batch", paramLabel = "N",
      description = "Requests per batch of the storage series (default: 4,918, issue 11's batches of its 300,000"
          + " inserts; with --quick 500 of 10,000): smaller batches give the database more versions to catch up.")
  Integer storageBatch;

  @Option(names = "--max-pollers", paramLabel = "N", defaultValue = "4",
      description = "Most local consumers (Lambda's concurrency) for the pipeline: one per database up to N"
          + " (default: ${DEFAULT-VALUE}).")
  int maxPollers;

  @Override
  public Integer call() throws Exception {
    Set<Mode> modes = parse(modeNames, Mode.class, "mode");
    Set<Series> series = parse(seriesNames, Series.class, "series");
    if (series.contains(Series.CHINOOK) && !Files.isRegularFile(chinook)) {
      throw new NoSuchFileException(chinook + " (run from the repository's root, or name the Chinook 1.4.4 script"
          + " with --chinook)");
    }
    if (series.contains(Series.READS) && seriesNames != null && !modes.contains(Mode.PIPELINE)) {
      throw new IllegalArgumentException("the reads series runs on the pipeline's stack: add the pipeline mode");
    }
    if (series.contains(Series.STORAGE) && seriesNames != null && !modes.contains(Mode.APPLIER)) {
      throw new IllegalArgumentException("the storage series runs the applier: add the applier mode");
    }
    if (maxPollers < 1) {
      throw new IllegalArgumentException("--max-pollers must be at least 1, not " + maxPollers);
    }
    if (storageBatch != null && storageBatch < 1) {
      throw new IllegalArgumentException("--storage-batch must be at least 1, not " + storageBatch);
    }
    if (localRuns != null && localRuns < 1) {
      throw new IllegalArgumentException("--local-runs must be at least 1, not " + localRuns);
    }
    Duration budget = Duration.ofSeconds(baselineSeconds != null ? baselineSeconds : quick ? 1 : 20);
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    Path scratch = Files.createTempDirectory("sqlq-bench-");
    PrintStream err = System.err;
    try {
      List<Workload> workloads = Workloads.build(quick ? Workloads.Plan.QUICK : Workloads.Plan.FULL, series, chinook,
          Files.createDirectories(scratch.resolve("seeds")));
      log.info("workloads built in {} ms", (System.nanoTime() - startNanos) / 1_000_000);
      String loadBefore = loadAverage();
      List<ReadFigures> reads = new ArrayList<>();
      List<StorageFigures> storage = new ArrayList<>();
      List<Figures> results = run(workloads, modes, series, budget, scratch, err, reads, storage);
      StorageFigures stored = storage.isEmpty() ? null : storage.getFirst();
      BenchReport bench = new BenchReport(commandLine(), started.truncatedTo(ChronoUnit.SECONDS).toString(),
          (System.nanoTime() - startNanos) / 1e9, quick, machine(loadBefore), descriptions(modes),
          notes(modes, budget, workloads, reads, stored), results, BenchReport.ratios(results), BenchReport.TARGETS,
          reads, stored);
      if (report != null) {
        bench.write(report);
      }
      PrintStream out = System.out;
      out.print(json ? bench.json() + System.lineSeparator() : bench.table());
      out.flush();
      return results.stream().allMatch(f -> f.errors() == 0) && reads.stream().allMatch(r -> r.errors() == 0)
          && storage.stream().allMatch(s -> s.errors() == 0) ? 0 : 1;
    } finally {
      deleteTree(scratch);
    }
  }

  /**
   * Runs every mode on every workload, the modes of one workload one after another; then, with
   * the reads series and the pipeline mode, the read series into {@code reads}; then, with the
   * storage series and the applier mode, the storage series into {@code storage}.
   */
  private List<Figures> run(List<Workload> workloads, Set<Mode> modes, Set<Series> series, Duration budget,
      Path scratch, PrintStream err, List<ReadFigures> reads, List<StorageFigures> storage) throws Exception {
    boolean reading = series.contains(Series.READS) && modes.contains(Mode.PIPELINE);
    boolean storing = series.contains(Series.STORAGE) && modes.contains(Mode.APPLIER);
    StorageRuns.Plan storagePlan = storagePlan();
    long planned = workloads.stream().mapToLong(w -> (long) w.totalStatements() * modes.size()).sum()
        + (reading ? ReadRuns.total(reads()) : 0) + (storing ? storagePlan.inserts() : 0);
    List<Figures> results = new ArrayList<>();
    boolean aws = storing || modes.stream().anyMatch(Mode::usesAws);
    try (LocalEmulators emulators = aws ? LocalEmulators.start() : null;
        AwsClients clients = aws ? new AwsClients(AwsClients.EMULATOR_REGION, emulators.endpoints()) : null;
        AwsRuns.BaselineStack baseline = modes.contains(Mode.BASELINE)
            ? new AwsRuns.BaselineStack(clients, "bench-baseline") : null;
        Pipelines pipelines = new Pipelines(emulators)) {
      warmUp(modes, scratch, quick ? 1 : 5);
      if (modes.contains(Mode.PIPELINE)) {
        // The first workload on the emulator would pay for the SDK's and the emulator's first calls.
        AwsRuns.pipeline(warmUpWorkload(quick ? 1_000 : 4_000), new Phase(() -> {}), pipelines.with(1));
      }
      try (ProgressBar bar = new ProgressBarBuilder().setTaskName("bench").setInitialMax(planned)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().showSpeed()
          .setConsumer(new ConsoleProgressBarConsumer(err)).build()) {
        for (Workload workload : workloads) {
          for (Mode mode : Mode.values()) {
            if (!modes.contains(mode)) {
              continue;
            }
            bar.setExtraMessage(" " + workload.name() + " " + mode.label());
            long before = bar.getCurrent();
            long phaseStart = System.nanoTime();
            Path dir = Files.createDirectories(scratch.resolve(workload.database(mode, 0)));
            List<Phase> runs = new ArrayList<>();
            for (int run = 0; run < (mode.usesAws() ? 1 : localRuns()); run++) {
              Phase phase = new Phase(run == 0 ? bar::step : () -> {});
              switch (mode) {
                case SQLITE -> LocalRuns.sqlite(workload, phase, dir);
                case APPLIER -> LocalRuns.applier(workload, phase, dir);
                case PIPELINE -> AwsRuns.pipeline(workload, phase,
                    pipelines.with(Math.min(workload.databases(), maxPollers)));
                case BASELINE -> AwsRuns.baseline(workload, phase, baseline, dir, budget);
              }
              runs.add(phase);
            }
            deleteTree(dir);
            bar.stepTo(before + workload.totalStatements());
            Figures figures = Figures.of(workload, mode, median(runs));
            results.add(figures);
            log.info("{} {}: {} statements in {} s measured, {} s with setup and teardown", workload.name(),
                mode.label(), figures.statements(), String.format(Locale.ROOT, "%.2f", figures.seconds()),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - phaseStart) / 1e9));
          }
        }
        if (reading) {
          bar.setExtraMessage(" reads");
          Path seed = Workloads.seed(scratch.resolve("reads.sqlite"), (long) readsMb() << 20, 8);
          reads.addAll(ReadRuns.run(pipelines.with(1), seed, Workloads.rows(seed), reads(), bar::step));
        }
        if (storing) {
          bar.setExtraMessage(" storage");
          Path dir = Files.createDirectories(scratch.resolve("storage"));
          storage.add(StorageRuns.run(clients, storagePlan, dir, bar::stepBy));
          deleteTree(dir);
        }
      }
    }
    return results;
  }

  /** The read series' warm snapshot reads: 500, with {@code --quick} 100 (the other kinds run a share). */
  private int reads() {
    return quick ? 100 : 500;
  }

  /** The size of the read series' databases, MB: 16, with {@code --quick} 1. */
  private int readsMb() {
    return quick ? 1 : 16;
  }

  /** The storage series' plan: {@link StorageRuns.Plan#FULL} or, with {@code --quick}, QUICK, in batches of {@code --storage-batch}. */
  private StorageRuns.Plan storagePlan() {
    StorageRuns.Plan plan = quick ? StorageRuns.Plan.QUICK : StorageRuns.Plan.FULL;
    return storageBatch == null ? plan : new StorageRuns.Plan(plan.inserts(), storageBatch);
  }

  /** How many times the local modes run each workload: {@code --local-runs}, else 5 (1 with {@code --quick}). */
  private int localRuns() {
    return localRuns != null ? localRuns : quick ? 1 : 5;
  }

  /** The run of median statements/s (the upper one of an even count). */
  private static Phase median(List<Phase> runs) {
    List<Phase> sorted = new ArrayList<>(runs);
    sorted.sort(java.util.Comparator.comparingDouble(p -> p.done() / Math.max(p.seconds(), 1e-9)));
    return sorted.get(sorted.size() / 2);
  }

  /** The pipeline stack of the current workload: kept while the number of consumers stays the same. */
  private static final class Pipelines implements AutoCloseable {
    private final LocalEmulators emulators;
    private AwsRuns.PipelineStack current;
    private int started;

    Pipelines(LocalEmulators emulators) {
      this.emulators = emulators;
    }

    AwsRuns.PipelineStack with(int pollers) {
      if (current == null || current.pollers() != pollers) {
        close();
        current = new AwsRuns.PipelineStack(emulators.endpoints(), "bench-pipeline" + (++started), pollers);
      }
      return current;
    }

    @Override
    public void close() {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }

  /**
   * Runs the local modes {@code rounds} times on Chinook (or an insert workload of its size),
   * unmeasured, so that the first measured workload does not pay for the JIT compiler's first
   * passes over SQLite's driver, the codecs and the applier. Only the code of the modes that run
   * is warmed (the applier's for the pipeline too): code the run never uses would only skew the
   * compiler's profile of the driver's calls, which the modes share.
   */
  private void warmUp(Set<Mode> modes, Path scratch, int rounds) throws Exception {
    Path dir = Files.createDirectories(scratch.resolve("warm-up"));
    Workload warm = warmUpWorkload(Integer.MAX_VALUE);
    for (int i = 0; i < rounds; i++) {
      if (modes.contains(Mode.SQLITE)) {
        LocalRuns.sqlite(warm, new Phase(() -> {}), dir);
      }
      if (modes.contains(Mode.APPLIER) || modes.contains(Mode.PIPELINE)) {
        LocalRuns.applier(warm, new Phase(() -> {}), dir);
      }
    }
    deleteTree(dir);
  }

  /**
   * Up to {@code statements} statements of Chinook (from an empty database), or as many inserts
   * into the generated table when the script is not there, on databases named {@code warm-up-*}.
   */
  private Workload warmUpWorkload(int statements) throws IOException, java.sql.SQLException {
    if (Files.isRegularFile(chinook)) {
      List<io.sqlq.core.protocol.Statement> all = Workloads.chinook(chinook).statements();
      return new Workload("warm-up", Series.CHINOOK, null, 0, 1, all.subList(0, Math.min(statements, all.size())));
    }
    Path seed = Workloads.seed(Files.createTempFile("sqlq-bench-warm-up-", ".sqlite"), 0, 9);
    seed.toFile().deleteOnExit();
    return new Workload("warm-up", Series.CHINOOK, seed, Files.size(seed), 1,
        Workloads.inserts(Math.min(statements, 15_000), 9));
  }

  private static <E extends Enum<E>> Set<E> parse(List<String> names, Class<E> type, String what) {
    if (names == null || names.isEmpty()) {
      return EnumSet.allOf(type);
    }
    Set<E> set = EnumSet.noneOf(type);
    for (String name : names) {
      try {
        set.add(Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown " + what + " '" + name + "': one of "
            + Stream.of(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
      }
    }
    return set;
  }

  private String commandLine() {
    List<String> args = spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
    List<String> words = new ArrayList<>(List.of("sqlq"));
    if (args.isEmpty() || !args.get(0).equals("bench")) {
      words.add("bench");
    }
    words.addAll(args);
    return String.join(" ", words);
  }

  private static Map<String, String> descriptions(Set<Mode> modes) {
    Map<String, String> descriptions = new LinkedHashMap<>();
    modes.forEach(m -> descriptions.put(m.label(), m.description()));
    return descriptions;
  }

  private List<String> notes(Set<Mode> modes, Duration budget, List<Workload> workloads, List<ReadFigures> reads,
      StorageFigures storage) {
    List<String> notes = new ArrayList<>();
    if (!workloads.isEmpty()) {
      workloadNotes(notes, budget, workloads);
    }
    notes.add("Before the first workload the local code runs " + (quick ? "once" : "five times") + " on the Chinook"
        + " statements, unmeasured (SQLite's for the sqlite mode, the applier's for the applier and the pipeline), so"
        + " the JIT compiler has done its first passes" + (modes.contains(Mode.PIPELINE) ? ", and "
            + (quick ? "1,000" : "4,000") + " of them go through the pipeline (its first calls of the SDK and the"
            + " emulator)" : "") + "; then the local modes run each"
        + " workload " + (localRuns() == 1 ? "once" : localRuns() + " times and the run of median statements/s is"
        + " reported") + ", the modes on the emulator once. JVM CPU µs/statement is this process's CPU time (every"
        + " thread, the JIT compiler's too; not the emulator's) per statement: on a shared machine it varies less than"
        + " statements/s.");
    if (!reads.isEmpty()) {
      notes.add(String.format(Locale.ROOT, "The reads run after the workloads on the pipeline's stack with one consumer:"
          + " one thread, one point read by primary key of the generated table at a time, on two databases of"
          + " %.1f MB seeded in S3; the client's snapshot cache keeps a snapshot current for 60 s (snapshotMaxAge)."
          + " Each read's rows are checked.", reads.getFirst().databaseMb()));
    }
    if (storage != null) {
      notes.add(String.format(Locale.ROOT, "The storage series applies %,d generated single-row INSERTs (about"
          + " 150-byte rows, one table, one index on a random customer key; one producer, as the SDK numbers"
          + " requests) in batches of %,d requests with the consumer's applier onto a working copy (the requests"
          + " built in memory: no message bodies decoded), then publishes"
          + " each batch to moto_server twice: through layout v2 (PageDeltaStore: changed pages, merges, snapshots,"
          + " the manifest) and as the whole-file layout did (one PutObject of the file). Bytes are the PutObjects'"
          + " and GetObjects' Content-Length; changed pages are found by comparing each version with the one before"
          + " page by page; statements/s of a layout is the statements over the apply time plus that layout's"
          + " publish time, both in this run. Checked: every reply succeeded, the working copy holds every row,"
          + " a fresh fetch gives the same bytes.", storage.inserts(), storage.batchRequests()));
    }
    return notes;
  }

  /** The notes on the modes' workloads: how they run and what their figures count. */
  private void workloadNotes(List<String> notes, Duration budget, List<Workload> workloads) {
    notes.add("All modes run in this one process, one after another, on the same statements; the AWS APIs are"
        + " ElasticMQ (SQS) and moto_server (S3, EC2) on loopback (each call takes milliseconds there, tens of ms on AWS: see BENCHMARKS.md).");
    notes.add(String.format(Locale.ROOT, "The baseline runs each workload's first statements for %d s (one caller per"
        + " database; at least one call each), since it is about a thousand times slower; its files are then at"
        + " their smallest, so pipeline/baseline is if anything understated.", budget.toSeconds()));
    notes.add("AWS calls/statement count every request the SDK sent during the mode (client, consumers, and the"
        + " local reaper once a second; for the pipeline until its consumers reported their last batch and deleted"
        + " its records, 250 ms after the last report), by service; S3 bytes are the batches' fetches and"
        + " publishes. Statements/s run from the first submit to the last reply.");
    List<String> counts = workloads.stream().filter(w -> w.series() == Series.DATABASES)
        .map(w -> Integer.toString(w.databases())).toList();
    notes.add("The size series starts each database at the given size (the generated table) and adds the inserts;"
        + (counts.isEmpty() ? "" : " the databases series spreads the same total of inserts over "
            + String.join(", ", counts) + " databases, with one local consumer per database up to " + maxPollers + ";")
        + " the pipeline's local stack (emulated queues, consumers, reaper) and its client are kept from one workload"
        + " to the next while the number of consumers stays the same; each workload has databases of its own.");
  }

  private static Map<String, String> machine(String loadBefore) {
    Map<String, String> machine = new LinkedHashMap<>();
    int cpus = Runtime.getRuntime().availableProcessors();
    machine.put("cpus", Integer.toString(cpus));
    machine.put("cpuModel", cpuModel());
    long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    machine.put("memoryGiB", String.format(Locale.ROOT, "%.1f", memory / (double) (1L << 30)));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put("moto", motoVersion());
    machine.put("loadAverageBefore", loadBefore);
    machine.put("loadAverageAfter", loadAverage());
    machine.put("summary", String.format(Locale.ROOT, "%d CPUs (%s), %s GiB, %s, %s, moto %s; load average %s"
            + " before, %s after", cpus, machine.get("cpuModel"), machine.get("memoryGiB"), machine.get("os"),
        machine.get("java"), machine.get("moto"), loadBefore, machine.get("loadAverageAfter")));
    return machine;
  }

  private static String cpuModel() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "unknown". */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The version of the Python {@code moto} package, or "unknown". */
  private static String motoVersion() {
    try {
      Process python = new ProcessBuilder("python3", "-c", "import moto; print(moto.__version__)")
          .redirectErrorStream(true).start();
      String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return python.waitFor(10, TimeUnit.SECONDS) && python.exitValue() == 0 ? out : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory: what cannot be deleted now goes with the next reboot
    }
  }
}
