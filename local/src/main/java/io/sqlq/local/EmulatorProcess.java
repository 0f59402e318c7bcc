package io.sqlq.local;

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
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An emulator running as a process of its own on a free loopback port, so that a consumer
 * killed beside it loses nothing the emulator holds. Started by {@link #start}, stopped by
 * {@link #close}, which ends exactly the process this object started and its descendants,
 * nothing else; a JVM that exits without closing it (Ctrl-C) still asks the process to stop,
 * from a shutdown hook. Output goes to a log file ({@link #logFile()}) that startup errors name.
 */
final class EmulatorProcess implements AutoCloseable {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 20;

  private final String name;
  private final Process process;
  private final URI endpoint;
  private final Path logFile;
  private final HttpClient http;
  private final Thread stopOnExit;

  private EmulatorProcess(String name, Process process, URI endpoint, Path logFile) {
    this.name = name;
    this.process = process;
    this.endpoint = endpoint;
    this.logFile = logFile;
    this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    this.stopOnExit = new Thread(() -> {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }, name + "-stop-on-exit");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * Runs {@code command} plus the arguments {@code portArguments} makes of a free port of
   * 127.0.0.1, and waits until {@code probePath} answers HTTP (any status).
   *
   * @param name the emulator's name in messages and in the log file's name
   * @param startupTimeout how long to wait for the first HTTP answer
   * @throws LocalStackUnavailableException when the process cannot be started, exits during
   *     startup, or does not answer within {@code startupTimeout}; the message names the log file
   */
  static EmulatorProcess start(String name, List<String> command, IntFunction<List<String>>
      portArguments, String probePath, Duration startupTimeout) {
    Path log = createLogFile(name);
    int port = freeLoopbackPort();
    Process process;
    List<String> full = Stream.concat(command.stream(), portArguments.apply(port).stream()).toList();
    try {
      process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new LocalStackUnavailableException("could not run " + command.getFirst() + ": " + e.getMessage(), e);
    }
    EmulatorProcess emulator = new EmulatorProcess(name, process, URI.create("http://127.0.0.1:" + port), log);
    try {
      emulator.awaitAnswer(probePath, startupTimeout);
      return emulator;
    } catch (RuntimeException e) {
      emulator.close();
      throw e;
    }
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  URI endpoint() {
    return endpoint;
  }

  /** The file receiving the process's stdout and stderr; kept after {@link #close}. */
  Path logFile() {
    return logFile;
  }

  /** The process's id, for a test that kills it. */
  long pid() {
    return process.pid();
  }

  /**
   * Sends {@code request} (5,000 ms timeout) and returns the answer.
   *
   * @throws LocalStackUnavailableException when the emulator does not answer
   */
  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LocalStackUnavailableException(name + " at " + endpoint + " did not answer: " + e + " (log: "
          + logFile + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackUnavailableException("interrupted while calling " + name + " at " + endpoint, e);
    }
  }

  /**
   * Asks the process and its descendants to terminate, waits up to 10,000 ms, then kills
   * whatever is left and waits for it. Idempotent.
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
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitAnswer(String probePath, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve(probePath)).GET().timeout(REQUEST_TIMEOUT).build();
    while (true) {
      if (!process.isAlive()) {
        throw startupFailure(name + " exited with status " + process.exitValue() + " during startup");
      }
      try {
        http.send(probe, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw startupFailure(name + " did not answer on " + endpoint + " within " + timeout.toMillis()
              + " ms (last error: " + notYet + ")");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw startupFailure("interrupted while waiting for " + name + " to answer");
      }
      try {
        Thread.sleep(POLL_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw startupFailure("interrupted while waiting for " + name + " to answer");
      }
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

  private static Path createLogFile(String name) {
    try {
      return Files.createTempFile(name + "-", ".log");
    } catch (IOException e) {
      throw new LocalStackUnavailableException("could not create a log file for " + name + ": " + e, e);
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
