package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code sqlq local emulators} from the shaded CLI jar (as {@code ./sqlq} runs it): one JSON line
 * naming both endpoints, an env file that a shell turns into the variables
 * {@link Environment#endpoints()} reads back, SQS answering at the one and S3 at the other, and
 * both stopped on SIGTERM.
 */
class EmulatorsCommandIT {
  /** The CLI's shaded jar, built by its package phase before this module runs. */
  private static final Path JAR = Path.of("..", "cli", "target", "sqlq.jar");
  /** How long the command may take to print its line: 120,000 ms (two JVMs and moto start in a few seconds). */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  @Test
  void theEmulatorsCommandPrintsBothEndpointsWritesTheEnvFileAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    assertThat(JAR).as("the shaded jar: run the package phase first (mvn verify does)").isRegularFile();
    Path envFile = dir.resolve("emulators.env");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process sqlq = new ProcessBuilder(java, "-jar", JAR.toString(), "local", "emulators", "--env-file",
        envFile.toString()).redirectError(dir.resolve("emulators.log").toFile()).start();
    try {
      var stdout = new BufferedReader(new InputStreamReader(sqlq.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> {
        try {
          return stdout.readLine();
        } catch (IOException e) {
          return null;
        }
      }).get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(line).as("log: %s", Files.exists(dir.resolve("emulators.log"))
          ? Files.readString(dir.resolve("emulators.log")) : "none").startsWith("{");
      JsonNode printed = new ObjectMapper().readTree(line);
      Endpoints endpoints = new Environment(sourced(envFile)).endpoints();

      assertThat(endpoints.global()).hasToString(printed.get("endpoint").asText());
      assertThat(endpoints.sqs()).hasToString(printed.get("sqsEndpoint").asText()).isNotEqualTo(endpoints.s3());
      try (AwsClients aws = new AwsClients(AwsClients.EMULATOR_REGION, endpoints);
          var sqs = aws.newSqsClient(); var s3 = aws.newS3Client()) {
        assertThat(sqs.createQueue(b -> b.queueName("probe.fifo")
            .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl())
            .startsWith(endpoints.sqs().toString());
        s3.createBucket(b -> b.bucket("probe"));
        assertThat(s3.listBuckets().buckets()).hasSize(1);
      }
      List<ProcessHandle> emulators = sqlq.descendants().toList();
      assertThat(emulators).as("moto_server and ElasticMQ's JVM").hasSizeGreaterThanOrEqualTo(2);
      sqlq.destroy();
      assertThat(sqlq.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
      assertThat(emulators).as("the emulators are stopped too").noneMatch(ProcessHandle::isAlive);
    } finally {
      sqlq.descendants().forEach(ProcessHandle::destroyForcibly);
      sqlq.destroyForcibly();
    }
  }

  /** The variables a clean {@code sh} holds after {@code . file}. */
  private static Map<String, String> sourced(Path file) throws Exception {
    ProcessBuilder sh = new ProcessBuilder("/bin/sh", "-c", ". \"$1\" && env", "sh", file.toString());
    sh.environment().clear();
    Process shell = sh.start();
    String printed = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Map<String, String> env = new HashMap<>();
    printed.lines().filter(l -> l.contains("=")).forEach(l -> env.put(l.substring(0, l.indexOf('=')),
        l.substring(l.indexOf('=') + 1)));
    return env;
  }
}
