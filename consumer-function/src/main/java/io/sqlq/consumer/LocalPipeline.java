package io.sqlq.consumer;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.local.MotoServer;
import io.sqlq.core.local.StackProvisioner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole sqlq stack on one machine: a local AWS API (a {@code moto_server} it starts, or the
 * one {@code AWS_ENDPOINT_URL} names), the stack's resources provisioned idempotently
 * ({@link StackProvisioner}), and consumer pollers driving {@link ConsumerHandler} the way
 * Lambda would. Each poller has its own handler and working directory, as each Lambda
 * execution environment has its own {@code /tmp}.
 *
 * <p>{@link #close()} stops the pollers, then the emulator if this pipeline started it.
 */
public final class LocalPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

  /**
   * @param stackName resource name prefix, see {@link StackProvisioner#provision(String, Duration)}
   * @param pollers concurrent consumer pollers (Lambda's concurrent executions), at least 1
   * @param functionTimeout the simulated consumer function timeout
   * @param visibilityTimeout the request queue's visibility timeout; above functionTimeout
   * @param endpoint an already running emulator to use, or null to start {@code moto_server}
   */
  public record Options(String stackName, int pollers, Duration functionTimeout, Duration visibilityTimeout,
      URI endpoint) {
    public Options {
      if (pollers < 1) {
        throw new IllegalArgumentException("pollers must be at least 1: " + pollers);
      }
      if (visibilityTimeout.compareTo(functionTimeout) <= 0) {
        throw new IllegalArgumentException("the visibility timeout (" + visibilityTimeout.toMillis()
            + " ms) must exceed the function timeout (" + functionTimeout.toMillis() + " ms)");
      }
    }

    /** Default simulated function timeout: 20,000 ms. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(20);
    /** Default request queue visibility timeout: 30,000 ms, above the function timeout. */
    public static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

    /** Options with the default function and visibility timeouts. */
    public static Options of(String stackName, int pollers, URI endpoint) {
      return new Options(stackName, pollers, FUNCTION_TIMEOUT, VISIBILITY_TIMEOUT, endpoint);
    }
  }

  private final MotoServer moto;
  private final SqlqConfig config;
  private final AwsClients clients;
  private final List<LocalEventSourcePoller> pollers = new ArrayList<>();

  private LocalPipeline(MotoServer moto, SqlqConfig config, AwsClients clients) {
    this.moto = moto;
    this.config = config;
    this.clients = clients;
  }

  /**
   * Starts the emulator if needed, provisions the stack and starts the pollers.
   *
   * @throws io.sqlq.core.local.LocalStackUnavailableException when {@code moto_server} is
   *     missing or does not start
   * @throws io.sqlq.core.aws.AwsCallFailedException when the emulator does not answer
   */
  public static LocalPipeline start(Options options) {
    return start(options, new Faults());
  }

  /**
   * As {@link #start(Options)}, with {@code faults} shared by every poller and its handler (see
   * {@link FaultPoint}), for tests that crash the consumer on purpose.
   */
  public static LocalPipeline start(Options options, Faults faults) {
    MotoServer moto = options.endpoint() == null ? MotoServer.start() : null;
    URI endpoint = moto == null ? options.endpoint() : moto.endpoint();
    AwsClients clients = null;
    try {
      AwsClients provisioning = new AwsClients(AwsClients.EMULATOR_REGION, endpoint);
      SqlqConfig config;
      try (provisioning; var s3 = provisioning.s3(); var sqs = provisioning.sqs(); var ec2 = provisioning.ec2()) {
        config = new StackProvisioner(s3, sqs, ec2).provision(options.stackName(), options.visibilityTimeout());
      }
      clients = new AwsClients(config);
      LocalPipeline pipeline = new LocalPipeline(moto, config, clients);
      Path work = Files.createTempDirectory("sqlq-consumer-");
      for (int i = 0; i < options.pollers(); i++) {
        var components = ConsumerComponents.of(config, clients, work.resolve("poller-" + i), Clock.systemUTC(), faults);
        var poller = new LocalEventSourcePoller(clients.sqs(), config.requestQueueUrl(),
            new ConsumerHandler(components), options.functionTimeout(), Duration.ofSeconds(1), Clock.systemUTC(),
            faults);
        pipeline.pollers.add(poller);
        poller.start();
      }
      log.info("local stack {} up at {} with {} pollers", options.stackName(), endpoint, options.pollers());
      return pipeline;
    } catch (java.io.IOException e) {
      closeQuietly(clients, moto);
      throw new java.io.UncheckedIOException("cannot create a working directory", e);
    } catch (RuntimeException e) {
      closeQuietly(clients, moto);
      throw e;
    }
  }

  /** The stack's configuration (endpoint, bucket, queue URLs, lock VPC). */
  public SqlqConfig config() {
    return config;
  }

  /** SDK clients for the stack; owned by this pipeline. */
  public AwsClients clients() {
    return clients;
  }

  /** Batches handled by all pollers so far. */
  public long batches() {
    return pollers.stream().mapToLong(LocalEventSourcePoller::batches).sum();
  }

  /** Records the pollers reported failed so far (redelivered after their visibility timeout). */
  public long failedRecords() {
    return pollers.stream().mapToLong(LocalEventSourcePoller::failedRecords).sum();
  }

  @Override
  public void close() {
    pollers.forEach(LocalEventSourcePoller::close);
    closeQuietly(clients, moto);
  }

  private static void closeQuietly(AwsClients clients, MotoServer moto) {
    if (clients != null) {
      clients.close();
    }
    if (moto != null) {
      moto.close();
    }
  }
}
