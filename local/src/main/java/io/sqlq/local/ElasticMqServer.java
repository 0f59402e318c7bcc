package io.sqlq.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * ElasticMQ (an SQS-compatible message queue server, {@code org.elasticmq:elasticmq-rest-sqs})
 * in a JVM of its own on a free loopback port: the local SQS, because it keeps a FIFO message
 * group's order across visibility timeouts where moto 5.2 does not (DESIGN.md, "Local runs and
 * tests", and {@code FifoConformance}). A process of its own, so that a consumer killed with
 * SIGKILL loses nothing the queue holds. It serves SQS only; S3 and EC2 stay on moto.
 *
 * <p>The child runs {@link ElasticMqMain} with this JVM's own {@code java} and class path, so it
 * needs nothing installed. Started by {@link #start}, stopped by {@link #close} as
 * {@link MotoServer} is.
 */
public final class ElasticMqServer implements AutoCloseable {
  /** Default time to wait for the server to answer after starting it: 60,000 ms (about 2 s measured). */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final EmulatorProcess process;

  private ElasticMqServer(EmulatorProcess process) {
    this.process = process;
  }

  /**
   * Starts ElasticMQ and waits up to {@link #DEFAULT_STARTUP_TIMEOUT} until it answers HTTP.
   *
   * @throws LocalStackUnavailableException when the JVM cannot be started, exits during startup
   *     (its log is named), or does not answer in time
   */
  public static ElasticMqServer start() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ElasticMqMain.class.getName());
    return new ElasticMqServer(EmulatorProcess.start("elasticmq", command,
        port -> List.of(Integer.toString(port)), "/", DEFAULT_STARTUP_TIMEOUT));
  }

  /** The server's base URL, {@code http://127.0.0.1:<port>}, for SQS. */
  public URI endpoint() {
    return process.endpoint();
  }

  /** The file receiving the server's output; kept after {@link #close}. */
  public Path logFile() {
    return process.logFile();
  }

  /** Stops the server's JVM (terminate, then kill after 10,000 ms). Idempotent. */
  @Override
  public void close() {
    process.close();
  }
}
