package io.sqlq.local;

import io.sqlq.core.Environment;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@code moto_server} process (Python {@code moto[server]}) on a free loopback port: real S3,
 * SQS and EC2 APIs for local runs and tests, no AWS account needed. Started by {@link #start},
 * stopped by {@link #close}, which ends exactly the process this object started and its
 * descendants, nothing else; a JVM that exits without closing it (Ctrl-C) still asks the process
 * to stop, from a shutdown hook. Output goes to a log file ({@link #logFile()}) that startup
 * errors name.
 *
 * <p>Endpoints of moto's own control API used here (moto documentation, "Server mode" and
 * "Reset API"): {@code GET /moto-api/} answers once the server is up; {@code POST
 * /moto-api/reset} drops every resource of every service.
 */
public final class MotoServer implements AutoCloseable {
  /** The executable looked up on {@code PATH}. */
  public static final String EXECUTABLE = "moto_server";
  /** Default time to wait for the server to answer after starting it: 30,000 ms. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private final EmulatorProcess process;

  private MotoServer(EmulatorProcess process) {
    this.process = process;
  }

  /** Starts {@code moto_server} from {@code PATH}, waiting up to 30,000 ms for it to answer. */
  public static MotoServer start() {
    return start(Environment.system().optional("PATH"), DEFAULT_STARTUP_TIMEOUT);
  }

  /**
   * Starts {@code moto_server}, found on {@code pathVariable} (a {@code PATH}-style list of
   * directories), on a free port of 127.0.0.1 and waits until it answers HTTP.
   *
   * @param startupTimeout how long to wait for the first HTTP answer
   * @throws LocalStackUnavailableException when {@code moto_server} is not on the path, cannot
   *     be started, exits during startup, or does not answer within {@code startupTimeout};
   *     the message names the log file
   */
  public static MotoServer start(String pathVariable, Duration startupTimeout) {
    Path executable = findOnPath(pathVariable).orElseThrow(() -> new LocalStackUnavailableException(
        EXECUTABLE + " not found on PATH: install it with pip install 'moto[server]'"));
    return new MotoServer(EmulatorProcess.start(EXECUTABLE, List.of(executable.toString()),
        port -> List.of("-H", "127.0.0.1", "-p", Integer.toString(port)), "/moto-api/", startupTimeout));
  }

  /** The first executable file named {@code moto_server} in the directories of {@code pathVariable}. */
  static Optional<Path> findOnPath(String pathVariable) {
    if (pathVariable == null || pathVariable.isBlank()) {
      return Optional.empty();
    }
    return Stream.of(pathVariable.split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, EXECUTABLE))
        .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
        .findFirst();
  }

  /** The server's base URL, {@code http://127.0.0.1:<port>}, for every service. */
  public URI endpoint() {
    return process.endpoint();
  }

  /** The file receiving the server's stdout and stderr; kept after {@link #close}. */
  public Path logFile() {
    return process.logFile();
  }

  /**
   * Drops every resource in the emulator ({@code POST /moto-api/reset}), so that tests start
   * from nothing.
   *
   * @throws LocalStackUnavailableException when the server does not answer 200
   */
  public void reset() {
    HttpResponse<String> response = process.send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    if (response.statusCode() != 200) {
      throw new LocalStackUnavailableException("moto reset answered HTTP " + response.statusCode() + ": "
          + response.body() + " (log: " + logFile() + ")");
    }
  }

  /**
   * Stops the server: asks the process this object started and its descendants to terminate,
   * waits up to 10,000 ms, then kills whatever is left and waits for it. Idempotent.
   */
  @Override
  public void close() {
    process.close();
  }
}
