package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code sqlq bench --quick}, run once as a user runs it (the CLI jar, from the repository's root)
 * to check that its report is complete and well-formed: every mode on every workload with every
 * figure, the ratios, each kind of read (whose rows the bench checks), the storage series, the
 * Markdown tables and the three charts. No figure is checked against a time or a target: the
 * machine decides those, and BENCHMARKS.md reports them; the storage series' bytes and GETs are
 * checked against what layout v2 must do whatever the machine.
 */
class BenchQuickIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** The CLI jar, built by the cli module's package phase before this module runs. */
  private static final Path JAR = ROOT.resolve(Path.of("cli", "target", "sqlq.jar"));
  private static final List<String> MODES = List.of("sqlite", "applier", "pipeline", "baseline");
  private static final List<String> WORKLOADS = List.of("chinook", "insert-1MB", "insert-16MB", "mix-90/10",
      "databases-1", "databases-4");
  private static final List<String> READS = List.of("snapshot, warm", "latest, warm", "cold", "read-your-writes",
      "through the queue");

  @Test
  void benchQuickWritesACompleteReport() throws Exception {
    assertThat(JAR).as("the CLI jar: run the package phase first (mvn verify does)").isRegularFile();
    Path report = Path.of("target", "bench-quick").toAbsolutePath();
    Path stdout = Path.of("target", "bench-quick.json").toAbsolutePath();
    Path stderr = Path.of("target", "bench-quick.log").toAbsolutePath();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process bench = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(), "bench",
        "--quick", "--json", "--report", report.toString())
        .directory(ROOT.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    assertThat(bench.waitFor(10, TimeUnit.MINUTES)).as("the bench ends").isTrue();
    assertThat(bench.exitValue()).as(Files.readString(stderr, StandardCharsets.UTF_8)).isZero();

    ObjectMapper mapper = new ObjectMapper();
    JsonNode json = mapper.readTree(stdout.toFile());
    assertThat(mapper.readTree(report.resolve("report.json").toFile())).isEqualTo(json);
    assertThat(json.path("quick").asBoolean()).isTrue();
    assertThat(json.path("command").asText()).startsWith("sqlq bench --quick");
    assertThat(json.path("machine").path("cpus").asInt()).isPositive();
    assertThat(json.path("modes").size()).isEqualTo(MODES.size());

    List<String> rows = new ArrayList<>();
    for (JsonNode row : json.path("results")) {
      String mode = row.path("mode").asText();
      String name = row.path("workload").asText() + " " + mode;
      rows.add(name);
      assertThat(row.path("statements").asLong()).as(name).isPositive().isLessThanOrEqualTo(row.path("planned").asLong());
      assertThat(row.path("errors").asLong()).as(name).isZero();
      assertThat(row.path("statementsPerSecond").asDouble()).as(name).isPositive();
      JsonNode latency = row.path("latencyMs");
      assertThat(latency.path("p50").asDouble()).as(name).isPositive()
          .isLessThanOrEqualTo(latency.path("p95").asDouble());
      assertThat(latency.path("p95").asDouble()).as(name).isLessThanOrEqualTo(latency.path("p99").asDouble());
      boolean aws = mode.equals("pipeline") || mode.equals("baseline");
      if (aws) {
        // The baseline runs a workload's first statements for 1 s: on a loaded machine only Chinook's
        // opening DROP TABLE IF EXISTS, which leave its file empty, so only the pipeline surely uploads bytes.
        assertThat(row.path("s3BytesUpPerStatement").asDouble()).as(name)
            .isGreaterThanOrEqualTo(mode.equals("pipeline") ? Double.MIN_VALUE : 0);
        assertThat(row.path("s3BytesDownPerStatement").isNumber()).as(name).isTrue();
        assertThat(row.path("awsCallsPerStatement").path("S3").asDouble()).as(name).isPositive();
        assertThat(row.path("awsCallsPerStatement").path("EC2").asDouble()).as(name).isPositive();
        assertThat(row.path("lockWaitMs").path("p99").asDouble()).as(name).isPositive();
        assertThat(row.path("batches").asLong()).as(name).isPositive();
      } else {
        assertThat(row.path("awsCallsPerStatement").size()).as(name).isZero();
        assertThat(row.path("s3BytesUpPerStatement").isNull()).as(name).isTrue();
      }
      if (mode.equals("pipeline")) {
        assertThat(row.path("awsCallsPerStatement").path("SQS").asDouble()).as(name).isPositive();
      }
    }
    List<String> expected = new ArrayList<>();
    WORKLOADS.forEach(w -> MODES.forEach(m -> expected.add(w + " " + m)));
    assertThat(rows).containsExactlyElementsOf(expected);

    List<String> ratioWorkloads = new ArrayList<>();
    for (JsonNode ratio : json.path("ratios")) {
      ratioWorkloads.add(ratio.path("workload").asText());
      for (String field : List.of("pipelineOverBaseline", "pipelineOverSqlite", "applierOverSqlite")) {
        assertThat(ratio.path(field).asDouble()).as(ratio.path("workload").asText() + " " + field).isPositive();
      }
    }
    assertThat(ratioWorkloads).containsExactlyElementsOf(WORKLOADS);

    List<String> reads = new ArrayList<>();
    for (JsonNode read : json.path("reads")) {
      String kind = read.path("kind").asText();
      reads.add(kind);
      assertThat(read.path("reads").asLong()).as(kind).isGreaterThanOrEqualTo(5);
      assertThat(read.path("errors").asLong()).as(kind + ": " + read.path("firstError").asText()).isZero();
      JsonNode latency = read.path("latencyMs");
      assertThat(latency.path("p50").asDouble()).as(kind).isPositive().isLessThanOrEqualTo(latency.path("p99").asDouble());
    }
    assertThat(reads).containsExactlyElementsOf(READS);
    // A warm snapshot read asks the store nothing; a warm latest read only the manifest (a 304); a
    // cold one the manifest and then the snapshot and deltas it names (a call the SDK retried counts twice).
    assertThat(json.path("reads").get(0).path("s3CallsPerRead").asDouble()).isZero();
    assertThat(json.path("reads").get(1).path("s3CallsPerRead").asDouble()).isGreaterThanOrEqualTo(1.0);
    assertThat(json.path("reads").get(2).path("s3CallsPerRead").asDouble()).isGreaterThanOrEqualTo(2.0);

    JsonNode storage = json.path("storage");
    assertThat(storage.path("errors").asLong()).as(storage.path("firstError").asText()).isZero();
    assertThat(storage.path("rows").asLong()).isEqualTo(storage.path("inserts").asLong()).isPositive();
    assertThat(storage.path("versions").asLong()).as("one version per batch").isEqualTo(
        (storage.path("inserts").asLong() + storage.path("batchRequests").asLong() - 1) / storage.path("batchRequests").asLong());
    // A snapshot is uploaded only once the deltas reach the file; the whole-file layout uploads the file every batch.
    assertThat(storage.path("changedPageBytes").asLong()).isPositive();
    assertThat(storage.path("v2UploadBytes").asLong()).isPositive().isLessThan(storage.path("wholeFileUploadBytes").asLong());
    assertThat(storage.path("fileBytes").asLong()).as("sqlq's tables take pages of their own")
        .isGreaterThan(storage.path("plainSqliteBytes").asLong());
    // A fresh reader: the manifest, the snapshot and at most 32 deltas, each uploaded once by the run.
    assertThat(storage.path("catchUpGets").asLong()).isBetween(2L, 2L + 32);
    assertThat(storage.path("catchUpBytes").asLong()).isPositive()
        .isLessThanOrEqualTo(storage.path("v2UploadBytes").asLong());
    assertThat(storage.path("currentCatchUpGets").asLong()).as("a 304 of the manifest").isEqualTo(1);

    String markdown = Files.readString(report.resolve("report.md"), StandardCharsets.UTF_8);
    assertThat(markdown).contains("| catch-up from nothing | " + storage.path("catchUpGets").asLong() + " GETs, ");
    READS.forEach(kind -> assertThat(markdown).contains("| " + kind + " |"));
    for (String row : expected) {
      String[] parts = row.split(" ");
      assertThat(markdown).contains("| " + parts[0] + " | " + parts[1] + " |");
    }
    for (String chart : List.of("by-mode.png", "by-size.png", "by-databases.png")) {
      assertThat(markdown).contains("](" + chart + ")");
      File png = report.resolve(chart).toFile();
      BufferedImage image = ImageIO.read(png);
      assertThat(image).as(chart + " is a PNG").isNotNull();
      assertThat(image.getWidth()).as(chart).isGreaterThan(image.getHeight());
    }
  }
}
