package io.sqlq.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's report from figures alone: ratios, table, JSON, Markdown and charts. */
class BenchReportTest {
  private static Figures figures(String workload, String series, String mode, double perSecond, Double bytesUp) {
    boolean aws = bytesUp != null;
    return new Figures(workload, series, mode, 1.0, 1, 1_000, 1_000, 0, 1_000 / perSecond, perSecond, 25.0,
        Map.of("p50", 1.0, "p95", 2.0, "p99", 3.0, "max", 4.0), aws ? 10.0 : null, bytesUp,
        aws ? Map.of("EC2", 0.5, "S3", 0.25) : Map.of(), aws ? Map.of("S3.PutObject", 250L) : Map.of(),
        aws ? Map.of("p50", 5.0, "p99", 9.0) : null, aws ? 10L : null, aws ? 100.0 : null,
        aws ? Map.of("LockWait", 5.0, "Fetch", 1.0, "Apply", 20.0, "Publish", 7.0, "Release", 3.0, "Reply", 4.0,
            "Total", 40.0) : null, null);
  }

  private static StorageFigures storage(long errors) {
    return new StorageFigures(20_000, 1_000, 20, 4_000_000, 3_600_000, 6_000_000, 9_000_000, 45, 4.5, 7,
        40_000_000, 2.0, 1.0, 3.0, 5, 4_100_000, 1, 20_000, errors, errors == 0 ? null : "the fetched copy differs",
        List.of(new StorageFigures.Batch(1, 200_000, 200_000, 210_000, 100.0, 50.0, 150.0),
            new StorageFigures.Batch(2, 400_000, 100_000, 450_000, 100.0, 50.0, 150.0)));
  }

  private static BenchReport report() {
    return report(storage(0));
  }

  private static BenchReport report(StorageFigures storage) {
    List<Figures> results = List.of(
        figures("chinook", "chinook", "sqlite", 100_000, null),
        figures("chinook", "chinook", "applier", 50_000, null),
        figures("chinook", "chinook", "pipeline", 30_000, 1_000.0),
        figures("chinook", "chinook", "baseline", 30, 50_000.0),
        figures("insert-1MB", "size", "pipeline", 3_000, 2_000.0),
        figures("databases-4", "databases", "sqlite", 40_000, null));
    return new BenchReport("sqlq bench --quick", "2026-12-01T00:00:00Z", 12.5, true,
        Map.of("summary", "2 CPUs", "cpus", "2"), Map.of("sqlite", "straight into SQLite"), List.of("a note"),
        results, BenchReport.ratios(results), BenchReport.TARGETS, List.of(
            new ReadFigures("snapshot, warm", "no store call", 16.0, 500, 0,
                Map.of("p50", 0.25, "p95", 0.5, "p99", 0.75, "max", 2.0), 0.0, null),
            new ReadFigures("cold", "the whole file", 16.0, 50, 1,
                Map.of("p50", 120.0, "p95", 150.0, "p99", 180.0, "max", 200.0), 1.0, "not one row: []")), storage);
  }

  @Test
  void ratiosAreOfStatementsPerSecondAndMissingWhereAModeDidNotRun() {
    List<BenchReport.Ratios> ratios = report().ratios();

    assertThat(ratios).extracting(BenchReport.Ratios::workload).containsExactly("chinook", "insert-1MB", "databases-4");
    assertThat(ratios.get(0).pipelineOverBaseline()).isEqualTo(1_000.0);
    assertThat(ratios.get(0).pipelineOverSqlite()).isEqualTo(0.3);
    assertThat(ratios.get(0).applierOverSqlite()).isEqualTo(0.5);
    assertThat(ratios.get(1).pipelineOverSqlite()).isNull();
  }

  @Test
  void theTableHasARowPerModeAndWorkloadAndTheRatiosBesideTheTargets() {
    String table = report().table();

    // Four modes, the batch steps of the two modes on AWS, the ratios.
    assertThat(table.lines().filter(l -> l.startsWith("chinook ")).toList()).hasSize(7);
    assertThat(table).contains("mean ms per batch").containsPattern("chinook pipeline +5\\.0 +1\\.0 +20\\.0");
    assertThat(table).contains("pipeline/baseline").contains("1,000").contains("target (chinook)")
        .contains("0.250").contains("- a note");
  }

  @Test
  void theReadsHaveATableOfTheirOwnAndAFailedReadIsShown() {
    BenchReport report = report();

    assertThat(report.table()).containsPattern("snapshot, warm +500 +0\\.250 +0\\.500 +0\\.750 +2\\.0 +0\\.00")
        .containsPattern("cold +50! +120 +150 +180 +200 +1\\.00")
        .contains("! reads cold: 1 failed, the first: not one row: []");
    assertThat(report.markdown()).contains("databases of 16.0 MB")
        .contains("| cold | the whole file | 50 | 120 | 150 | 180 | 200 | 1.00 |")
        .contains("- reads cold: 1 failed, the first: not one row: []");
  }

  @Test
  void theStorageSeriesPrintsEachBatchAndItsTotalsWithRatiosAndStatementsPerSecondOfEachLayout() {
    BenchReport report = report();

    assertThat(report.table()).containsPattern(" +2 +390\\.6 KB +97\\.7 KB +439\\.5 KB +4\\.50")
        .contains("9,000,000 bytes in 45 PutObjects (1.50x the changed pages; worst batch 4.50x, batch 7; issue 11: each at most 3x)")
        .contains("40,000,000 bytes (v2: 22.50% of it; issue 11: at most 5%)")
        .contains("4,000,000 bytes (1.11x plain SQLite's 3,600,000; issue 11: at most 1.2x)")
        // 20,002 statements over 2 + 1 s and over 2 + 3 s
        .contains("6,667 / 4,000 (apply 2.0 s, publish 1.0 s / 3.0 s; issue 11: v2 not below)")
        .contains("5 GETs, 4,100,000 bytes");
    assertThat(report.markdown()).contains("20,000 INSERTs in 20 batches of 1,000 requests")
        .contains("| catch-up of a current copy | 1 GET |").doesNotContain("storage batch");
  }

  @Test
  void aRunOfTheStorageSeriesAloneHasNoEmptyTablesOfWorkloads() {
    BenchReport report = new BenchReport("sqlq bench --series storage --modes applier", "2026-12-01T00:00:00Z", 12.5,
        false, Map.of("summary", "2 CPUs", "cpus", "2"), Map.of("applier", "BatchApplier alone"), List.of(), List.of(),
        List.of(), BenchReport.TARGETS, List.of(), storage(0));

    assertThat(report.table()).doesNotContain("workload").contains("storage batch");
    assertThat(report.markdown()).doesNotContain("| workload |").doesNotContain("ratio of statements/s")
        .contains("| layout v2 uploaded |");
  }

  @Test
  void aStorageRunWithErrorsShowsTheErrorAndNoFigures() {
    BenchReport report = report(storage(1));

    assertThat(report.table()).contains("! storage: 1 errors, no figures; the first: the fetched copy differs")
        .doesNotContain("storage batch").doesNotContain("whole-file layout uploaded");
    assertThat(report.markdown()).contains("- storage: 1 errors, no figures; the first: the fetched copy differs")
        .doesNotContain("whole-file layout uploaded");
  }

  @Test
  void theReportDirectoryHoldsTheJsonTheMarkdownAndThreeCharts(@TempDir Path dir) throws Exception {
    BenchReport report = report();

    report.write(dir);

    assertThat(BenchReport.FILES).allSatisfy(f -> assertThat(dir.resolve(f)).isNotEmptyFile());
    JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    assertThat(json.path("results")).hasSize(6);
    assertThat(json.path("reads").get(1).path("latencyMs").path("p99").asDouble()).isEqualTo(180.0);
    assertThat(json.path("results").get(2).path("awsCallsPerStatement").path("EC2").asDouble()).isEqualTo(0.5);
    assertThat(json.path("ratios").get(0).path("pipelineOverBaseline").asDouble()).isEqualTo(1_000.0);
    assertThat(json.path("storage").path("v2PercentOfWholeFile").asDouble()).isEqualTo(22.5);
    assertThat(json.path("storage").path("catchUpGets").asLong()).isEqualTo(5);
    assertThat(json.path("storage").has("batches")).as("per batch only in the table").isFalse();
    assertThat(Files.readString(dir.resolve("report.md"))).contains("| chinook | baseline | 1.0 | 1 | 1,000 | 30.0 | 25.0 |")
        .contains("![by database size](by-size.png)").contains("| chinook | pipeline | 10 | 100 | 5.0 | 1.0 | 20.0 |");
    for (String png : List.of("by-mode.png", "by-size.png", "by-databases.png")) {
      assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();
    }
  }
}
