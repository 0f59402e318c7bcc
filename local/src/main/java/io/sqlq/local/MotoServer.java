package io.sqlq.local;

import io.sqlq.core.Environment;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 20;

  private final Process process;
  private final URI endpoint;
  private final Path logFile;
  private final HttpClient http;
  private final Thread stopOnExit;

  private MotoServer(Process process, URI endpoint, Path logFile, HttpClient http) {
    this.process = process;
    this.endpoint = endpoint;
    this.logFile = logFile;
    this.http = http;
    this.stopOnExit = new Thread(() -> {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }, "moto-server-stop-on-exit");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
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
    Path log = createLogFile();
    int port = freeLoopbackPort();
    Process process;
    try {
      process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new LocalStackUnavailableException("could not run " + executable + ": " + e.getMessage(), e);
    }
    MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port),
        log, HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build());
    try {
      server.awaitAnswer(startupTimeout);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
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
    return endpoint;
  }

  /** The file receiving the server's stdout and stderr; kept after {@link #close}. */
  public Path logFile() {
    return logFile;
  }

  /**
   * Drops every resource in the emulator ({@code POST /moto-api/reset}), so that tests start
   * from nothing.
   *
   * @throws LocalStackUnavailableException when the server does not answer 200
   */
  public void reset() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    if (response.statusCode() != 200) {
      throw new LocalStackUnavailableException("moto reset answered HTTP " + response.statusCode() + ": "
          + response.body() + " (log: " + logFile + ")");
    }
  }

  /**
   * Stops the server: asks the process this object started and its descendants to terminate,
   * waits up to 10,000 ms, then kills whatever is left and waits for it. Idempotent.
   */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    if (!waitFor(process.toHandle(), descendants, STOP_TIMEOUT)) {
      process.destroyForcibly();
      descendants.forEach(ProcessHandle::destroyForcibly);
      waitFor(process.toHandle(), descendants, STOP_TIMEOUT);
    }
    http.close();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting and runs the hook anyway; the process is already stopped.
    }
  }

  private static boolean waitFor(ProcessHandle process, List<ProcessHandle> descendants, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try {
      for (ProcessHandle handle : Stream.concat(Stream.of(process), descendants.stream()).toList()) {
        long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        handle.onExit().get(left, TimeUnit.MILLISECONDS);
      }
      return true;
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitAnswer(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).GET().timeout(REQUEST_TIMEOUT).build();
    while (true) {
      if (!process.isAlive()) {
        throw startupFailure(EXECUTABLE + " exited with status " + process.exitValue() + " during startup");
      }
      try {
        http.send(probe, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw startupFailure(EXECUTABLE + " did not answer on " + endpoint + " within " + timeout.toMillis()
              + " ms (last error: " + notYet + ")");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw startupFailure("interrupted while waiting for " + EXECUTABLE + " to answer");
      }
      sleep(POLL_INTERVAL);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LocalStackUnavailableException(EXECUTABLE + " at " + endpoint + " did not answer: " + e
          + " (log: " + logFile + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackUnavailableException("interrupted while calling " + EXECUTABLE + " at " + endpoint, e);
    }
  }

  private LocalStackUnavailableException startupFailure(String reason) {
    return new LocalStackUnavailableException(reason + "; log: " + logFile + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return tail.isEmpty() ? " (empty)" : ", last lines:\n" + String.join("\n", tail);
    } catch (IOException e) {
      return " (unreadable: " + e + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackUnavailableException("interrupted while waiting for " + EXECUTABLE + " to answer", e);
    }
  }

  private static Path createLogFile() {
    try {
      return Files.createTempFile("moto-server-", ".log");
    } catch (IOException e) {
      throw new LocalStackUnavailableException("could not create a log file for " + EXECUTABLE + ": " + e, e);
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new LocalStackUnavailableException("no free port on the loopback interface: " + e, e);
    }
  }
}
