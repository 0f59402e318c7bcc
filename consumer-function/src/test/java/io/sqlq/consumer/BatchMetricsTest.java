package io.sqlq.consumer;

import static io.sqlq.consumer.SqsEvents.event;
import static io.sqlq.consumer.SqsEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.consumer.BatchMetrics.Report;
import io.sqlq.consumer.BatchMetrics.Step;
import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.consumer.faults.Faults;
import io.sqlq.core.lock.InMemoryLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.LockTimeoutException;
import io.sqlq.core.store.DatabaseStore.Fetched;
import io.sqlq.core.store.InMemoryDatabaseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-batch timings on the listener seam, and their one CloudWatch Embedded Metric Format line. */
class BatchMetricsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  /** Each read of the ticker is 1.5 ms after the one before, starting at 0. */
  private final AtomicLong ticks = new AtomicLong(-1_500_000);
  private final List<Report> reports = Collections.synchronizedList(new ArrayList<>());
  private final BatchMetrics metrics = new BatchMetrics(reports::add, clock, () -> ticks.addAndGet(1_500_000));
  private final EmbeddedMetricFormat emf = new EmbeddedMetricFormat("sqlq", Map.of("Bucket", "sqlq-databases"));

  private void aBatchThatPublished(String db) {
    metrics.received(db, 3, 120);
    metrics.acquired(new Lease(db, "sg-1", "holder", NOW.plusSeconds(60)));
    metrics.fetched(db, new Fetched.Unchanged("\"e1\""), 0);
    metrics.requestApplied(db, null);
    metrics.applied(db, new AppliedBatch(42, List.of(), true));
    metrics.published(db, 42, 1_052_672);
    metrics.released(db);
    metrics.replied(db, 1);
  }

  @Test
  void aBatchIsOneReportWithEachStepTimedBetweenTheListenersCalls() {
    aBatchThatPublished("main");

    assertThat(reports).hasSize(1);
    Report report = reports.get(0);
    assertThat(report.ok()).isTrue();
    assertThat(report.db()).isEqualTo("main");
    assertThat(report.at()).isEqualTo(NOW);
    assertThat(report.version()).isEqualTo(42);
    assertThat(report.messages()).isEqualTo(3);
    assertThat(report.requests()).isEqualTo(120);
    assertThat(report.replyMessages()).isEqualTo(1);
    assertThat(report.millis()).containsExactly(Map.entry(Step.LOCK_WAIT, 1.5), Map.entry(Step.FETCH, 1.5),
        Map.entry(Step.APPLY, 1.5), Map.entry(Step.PUBLISH, 1.5), Map.entry(Step.RELEASE, 1.5),
        Map.entry(Step.REPLY, 1.5));
    assertThat(report.totalMillis()).isEqualTo(9.0);
    assertThat(report.bytesDown()).isZero();
    assertThat(report.bytesUp()).isEqualTo(1_052_672);
  }

  @Test
  void theLineIsOneEmbeddedMetricFormatObjectWhoseDirectiveNamesEveryMetricOfItsRootWithAUnit() throws Exception {
    aBatchThatPublished("main");

    String line = emf.line(reports.get(0));

    assertThat(line).doesNotContain("\n").startsWith("{\"_aws\":");
    JsonNode root = JSON.readTree(line);
    assertThat(root.path("_aws").path("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
    JsonNode directives = root.path("_aws").path("CloudWatchMetrics");
    assertThat(directives).hasSize(1);
    JsonNode directive = directives.get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo("sqlq");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Bucket\"],[\"Bucket\",\"Database\"]]");
    Map<String, String> units = new LinkedHashMap<>();
    directive.path("Metrics").forEach(m -> units.put(m.path("Name").asText(), m.path("Unit").asText()));
    assertThat(units).containsExactly(Map.entry("Requests", "Count"), Map.entry("Messages", "Count"),
        Map.entry("ReplyMessages", "Count"), Map.entry("LockWait", "Milliseconds"),
        Map.entry("Fetch", "Milliseconds"), Map.entry("Apply", "Milliseconds"),
        Map.entry("Publish", "Milliseconds"), Map.entry("Release", "Milliseconds"),
        Map.entry("Reply", "Milliseconds"), Map.entry("Total", "Milliseconds"), Map.entry("BytesDown", "Bytes"),
        Map.entry("BytesUp", "Bytes"), Map.entry("Failed", "Count"));
    units.keySet().forEach(name -> assertThat(root.path(name).isNumber()).as(name).isTrue());
    assertThat(root.path("Bucket").asText()).isEqualTo("sqlq-databases");
    assertThat(root.path("Database").asText()).isEqualTo("main");
    assertThat(root.path("Outcome").asText()).isEqualTo("ok");
    assertThat(root.path("Version").asLong()).isEqualTo(42);
    assertThat(root.path("Requests").asLong()).isEqualTo(120);
    assertThat(root.path("Messages").asLong()).isEqualTo(3);
    assertThat(root.path("LockWait").asDouble()).isEqualTo(1.5);
    assertThat(root.path("Total").asDouble()).isEqualTo(9.0);
    assertThat(root.path("BytesDown").asLong()).isZero();
    assertThat(root.path("BytesUp").asLong()).isEqualTo(1_052_672);
    assertThat(root.path("Failed").asLong()).isZero();
    assertThat(root.has("Error")).isFalse();
  }

  @Test
  void aBatchThatNeverGotItsLockReportsHowLongItWaitedAndOnlyTheFiguresItHas() throws Exception {
    metrics.received("busy", 1, 1);
    metrics.failed("busy", new LockTimeoutException("busy", Duration.ofSeconds(10), 7));

    Report report = reports.get(0);
    assertThat(report.ok()).isFalse();
    assertThat(report.millis()).containsExactly(Map.entry(Step.LOCK_WAIT, 1.5));
    JsonNode root = JSON.readTree(emf.line(report));
    List<String> declared = new ArrayList<>();
    root.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").forEach(m -> declared.add(m.path("Name").asText()));
    assertThat(declared).containsExactly("Requests", "Messages", "LockWait", "Total", "Failed");
    assertThat(root.path("Failed").asLong()).isEqualTo(1);
    assertThat(root.path("Outcome").asText()).isEqualTo("failed");
    assertThat(root.path("Error").asText()).startsWith("LockTimeoutException: ");
    assertThat(root.has("Version")).isFalse();
    assertThat(root.has("Fetch")).isFalse();
    assertThat(root.has("BytesUp")).isFalse();
  }

  @Test
  void batchesOnDifferentThreadsAreKeptApart() throws Exception {
    Thread other = new Thread(() -> aBatchThatPublished("other"));
    metrics.received("main", 1, 1);
    other.start();
    other.join();
    metrics.acquired(new Lease("main", "sg-2", "holder", NOW.plusSeconds(60)));
    metrics.failed("main", new IllegalStateException("boom"));

    assertThat(reports).extracting(Report::db).containsExactly("other", "main");
    assertThat(reports.get(1).millis()).containsOnlyKeys(Step.LOCK_WAIT);
    assertThat(reports.get(1).requests()).isEqualTo(1);
  }

  @Test
  void aSinkThatThrowsDoesNotFailTheBatch() {
    BatchMetrics throwing = new BatchMetrics(r -> {
      throw new IllegalStateException("log full");
    });

    throwing.received("main", 1, 1);
    throwing.replied("main", 1);
  }

  /**
   * The consumer as built with fault injection and metrics together: every database batch, the
   * failed one too, is one report, with the sizes the store moved.
   */
  @Test
  void theConsumerReportsEachDatabaseBatchWithFaultInjectionBesideTheMetrics(@TempDir Path work) {
    Faults faults = new Faults();
    BatchMetrics real = new BatchMetrics(reports::add);
    SentMessages sqs = new SentMessages();
    ConsumerHandler handler = ConsumerHandler.builder(TestStack.config(Duration.ofSeconds(1), null)).sqs(sqs)
        .lock(new InMemoryLock(Duration.ofMinutes(1), Clock.systemUTC())).store(new InMemoryDatabaseStore())
        .workDirectory(work).listener(BatchListener.all(real, faults)).build();

    handler.handleRequest(event(record("m1", "main", "{\"id\":\"a\",\"sql\":\"CREATE TABLE t(v)\"}"),
        record("m2", "main", "{\"id\":\"b\",\"sql\":\"INSERT INTO t VALUES (1)\"}"),
        record("m3", "side", "{\"id\":\"c\",\"sql\":\"CREATE TABLE s(v)\"}")), null);
    faults.arm(FaultPoint.STORE_PUBLISH_5XX, 1, 1);
    handler.handleRequest(event(record("m4", "main", "{\"id\":\"d\",\"sql\":\"INSERT INTO t VALUES (2)\"}")), null);

    assertThat(reports).extracting(Report::db).containsExactly("main", "side", "main");
    Report first = reports.get(0);
    assertThat(first.ok()).isTrue();
    assertThat(first.messages()).isEqualTo(2);
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.version()).isEqualTo(1);
    assertThat(first.millis()).containsOnlyKeys(Step.values());
    assertThat(first.bytesDown()).isZero();
    assertThat(first.bytesUp()).isPositive();
    Report failed = reports.get(2);
    assertThat(failed.ok()).isFalse();
    assertThat(failed.failure()).contains("503");
    assertThat(failed.millis()).containsOnlyKeys(Step.LOCK_WAIT, Step.FETCH, Step.APPLY);
    assertThat(failed.bytesUp()).isEqualTo(-1);
  }

  @Test
  void allCallsEachListenerInOrderAndAThrowStopsThere() {
    List<String> heard = new ArrayList<>();
    BatchListener first = new BatchListener() {
      @Override
      public void released(String db) {
        heard.add("first " + db);
      }
    };
    BatchListener throwing = new BatchListener() {
      @Override
      public void released(String db) {
        heard.add("throwing " + db);
        throw new IllegalStateException("crash");
      }
    };
    BatchListener last = new BatchListener() {
      @Override
      public void released(String db) {
        heard.add("last " + db);
      }
    };

    BatchListener.all(first, last).released("a");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchListener.all(first, throwing, last).released("b"))
        .hasMessage("crash");

    assertThat(heard).containsExactly("first a", "last a", "first b", "throwing b");
  }
}
