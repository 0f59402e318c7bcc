package io.sqlq.it;

import io.sqlq.core.Environment;
import io.sqlq.core.aws.Endpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code sqlq local up} as a process of its own (this JVM's {@code java} and class path, the CLI's
 * {@code Main}), reusing running emulators: the consumer a test can kill with SIGKILL, which
 * runs no {@code finally} and no shutdown hook. Its log (stderr) goes to a file.
 */
final class ConsumerProcess {
  /** How long the consumer may take to print its JSON line: 120,000 ms (a JVM start takes a few seconds). */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;

  private ConsumerProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code sqlq local up --stack STACK --pollers N} against {@code endpoints} and waits
   * until it printed its JSON line, that is until its pollers run.
   *
   * @throws IllegalStateException when it exits or stays silent for {@link #READY_TIMEOUT}; the
   *     message names {@code log}
   */
  static ConsumerProcess start(Endpoints endpoints, String stack, int pollers, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "io.sqlq.cli.Main", "local", "up", "--stack", stack,
        "--pollers", Integer.toString(pollers)))
        .redirectError(log.toFile());
    builder.environment().putAll(Map.of(Environment.AWS_ENDPOINT_URL, endpoints.global().toString(),
        Environment.AWS_ENDPOINT_URL_SQS, endpoints.sqs().toString()));
    Process process = builder.start();
    BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> readLine(stdout))
        .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null || !line.startsWith("{")) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("sqlq local up did not start (printed " + line + "); log: " + log);
    }
    return new ConsumerProcess(process);
  }

  /** Kills the process with SIGKILL and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Stops the process with SIGTERM (its shutdown hook stops the pollers) and waits for it. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      kill();
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }
}
