package io.sqlq.local;

import io.sqlq.consumer.BatchListener;
import io.sqlq.consumer.ConsumerHandler;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.lock.ReapReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole sqlq stack on one machine: the local AWS APIs ({@link LocalEmulators} it starts, or
 * the running ones {@link Options#endpoints()} names), the stack's resources provisioned
 * idempotently ({@link StackProvisioner}), and consumer pollers driving {@link ConsumerHandler}
 * the way Lambda would. Each poller has its own handler and working directory, as each Lambda
 * execution environment has its own {@code /tmp}; all share one set of SDK clients and receive
 * concurrently, as Lambda's pollers do. Their S3 client is not {@link #s3()}: it carries the
 * {@link Options#consumerS3Interceptors()} (test fault injection). The lease of the consumers'
 * locks is the function timeout, as the CDK stack sets {@code SQLQ_LEASE_MS}, and a
 * {@link LockReaper} runs on a schedule as the reaper Lambda does, with a shorter period and grace
 * suited to one machine (no clock skew to cover, and a local run should not wait half a minute for
 * a dead lock).
 *
 * <p>{@link #close()} stops the reaper and the pollers, closes the clients, then stops the
 * emulators if this pipeline started them.
 */
public final class LocalPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

  /**
   * How to run the local stack; built by {@link #options(String)}.
   *
   * @param stackName resource name prefix, see {@link StackProvisioner#provision}
   * @param pollers concurrent consumer pollers (Lambda's concurrent executions), at least 1
   * @param functionTimeout the simulated consumer function timeout, also the lease
   * @param visibilityTimeout the request queue's visibility timeout; above functionTimeout
   * @param endpoints running emulators to use, or null to start {@link LocalEmulators}
   * @param reaperPeriod how often the lock reaper runs
   * @param reaperGrace how long past its lease the reaper leaves a lock alone
   * @param listener hears every consumer batch ({@link BatchListener}); shared by the pollers
   * @param consumerS3Interceptors hear every call of the consumers' S3 client, in order (none by
   *     default); the tests' fault injection acts inside the store's publish this way
   */
  public record Options(String stackName, int pollers, Duration functionTimeout, Duration visibilityTimeout,
      Endpoints endpoints, Duration reaperPeriod, Duration reaperGrace, BatchListener listener,
      List<ExecutionInterceptor> consumerS3Interceptors) {
    /** Default simulated function timeout: 20,000 ms. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(20);
    /** Default request queue visibility timeout: 30,000 ms, above the function timeout. */
    public static final Duration VISIBILITY_TIMEOUT = StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT;
    /** Default local reaper period: 1,000 ms (the reaper Lambda's schedule is at best once a minute). */
    public static final Duration REAPER_PERIOD = Duration.ofSeconds(1);
    /** Default local reaper grace: 1,000 ms (the reaper Lambda's default is 30,000 ms). */
    public static final Duration REAPER_GRACE = Duration.ofSeconds(1);

    /**
     * @throws IllegalArgumentException when pollers is below 1, the reaper period is not
     *     positive or its grace negative, or the visibility timeout does not exceed the function
     *     timeout
     */
    public Options {
      Objects.requireNonNull(stackName, "stackName");
      Objects.requireNonNull(listener, "listener");
      consumerS3Interceptors = List.copyOf(consumerS3Interceptors);
      if (reaperPeriod.isNegative() || reaperPeriod.isZero() || reaperGrace.isNegative()) {
        throw new IllegalArgumentException("the reaper period must be positive and its grace not negative: "
            + reaperPeriod.toMillis() + " ms, " + reaperGrace.toMillis() + " ms");
      }
      if (pollers < 1) {
        throw new IllegalArgumentException("pollers must be at least 1: " + pollers);
      }
      if (visibilityTimeout.compareTo(functionTimeout) <= 0) {
        throw new IllegalArgumentException("the visibility timeout (" + visibilityTimeout.toMillis()
            + " ms) must exceed the function timeout (" + functionTimeout.toMillis() + " ms)");
      }
    }

    /** Builds {@link Options}; every setting has the default its constant names. */
    public static final class Builder {
      private final String stackName;
      private int pollers = 1;
      private Duration functionTimeout = FUNCTION_TIMEOUT;
      private Duration visibilityTimeout = VISIBILITY_TIMEOUT;
      private Endpoints endpoints;
      private BatchListener listener = BatchListener.NONE;
      private final List<ExecutionInterceptor> consumerS3Interceptors = new ArrayList<>();

      private Builder(String stackName) {
        this.stackName = stackName;
      }

      /** Concurrent consumer pollers; default 1. */
      public Builder pollers(int n) {
        this.pollers = n;
        return this;
      }

      /**
       * Running emulators to use; default none (start {@link LocalEmulators}). Endpoints that
       * name no emulator ({@link Endpoints#AWS}) count as none.
       */
      public Builder endpoints(Endpoints running) {
        this.endpoints = running == null || !running.emulated() ? null : running;
        return this;
      }

      /** The simulated function timeout and the request queue's visibility timeout. */
      public Builder timeouts(Duration function, Duration visibility) {
        this.functionTimeout = function;
        this.visibilityTimeout = visibility;
        return this;
      }

      /** Hears every consumer batch; default {@link BatchListener#NONE}. */
      public Builder listener(BatchListener batchListener) {
        this.listener = batchListener;
        return this;
      }

      /** Adds an interceptor to the consumers' S3 client, after those added before; default none. */
      public Builder consumerS3Interceptor(ExecutionInterceptor interceptor) {
        this.consumerS3Interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
      }

      /** @throws IllegalArgumentException as {@link Options} does */
      public Options build() {
        return new Options(stackName, pollers, functionTimeout, visibilityTimeout, endpoints, REAPER_PERIOD,
            REAPER_GRACE, listener, consumerS3Interceptors);
      }
    }
  }

  /**
   * Options for stack {@code stackName}, at their defaults until set: 1 poller, a
   * {@link LocalEmulators} of its own, the default function and visibility timeouts, the default
   * local reaper, no listener, no interceptor on the consumers' S3 client.
   */
  public static Options.Builder options(String stackName) {
    return new Options.Builder(stackName);
  }

  private final LocalEmulators emulators;
  private final SqlqConfig config;
  private final AwsClients clients;
  private final S3Client s3;
  private S3Client consumerS3;
  private final SqsClient sqs;
  private final Ec2Client ec2;
  private final List<LocalEventSourcePoller> pollers = new ArrayList<>();
  private ScheduledReaper reaper;

  private LocalPipeline(LocalEmulators emulators, SqlqConfig config, AwsClients clients) {
    this.emulators = emulators;
    this.config = config;
    this.clients = clients;
    this.s3 = clients.newS3Client();
    this.sqs = clients.newSqsClient();
    this.ec2 = clients.newEc2Client();
  }

  /**
   * Starts the emulators if needed, provisions the stack and starts the reaper and the pollers.
   *
   * @throws LocalStackUnavailableException when {@code moto_server} is missing, or an emulator
   *     does not start
   * @throws io.sqlq.core.aws.AwsCallFailedException when the emulator does not answer
   * @throws UncheckedIOException when no working directory can be created
   */
  public static LocalPipeline start(Options options) {
    LocalEmulators emulators = options.endpoints() == null ? LocalEmulators.start() : null;
    Endpoints endpoints = emulators == null ? options.endpoints() : emulators.endpoints();
    AwsClients clients = new AwsClients(AwsClients.EMULATOR_REGION, endpoints);
    LocalPipeline pipeline = null;
    try {
      SqlqConfig config;
      try (var s3 = clients.newS3Client(); var sqs = clients.newSqsClient(); var ec2 = clients.newEc2Client()) {
        config = new StackProvisioner(s3, sqs, ec2).provision(options.stackName(), options.visibilityTimeout(),
            options.functionTimeout());
      }
      pipeline = new LocalPipeline(emulators, config, clients);
      pipeline.startConsumers(options);
      log.info("local stack {} up at {} with {} pollers", options.stackName(), endpoints, options.pollers());
      return pipeline;
    } catch (RuntimeException e) {
      if (pipeline != null) {
        pipeline.close();
      } else {
        clients.close();
        if (emulators != null) {
          emulators.close();
        }
      }
      throw e;
    }
  }

  private void startConsumers(Options options) {
    reaper = new ScheduledReaper(new LockReaper(ec2, config.lockVpcId(), options.reaperGrace(), Clock.systemUTC()),
        options.reaperPeriod());
    consumerS3 = clients.newS3Client(options.consumerS3Interceptors().toArray(ExecutionInterceptor[]::new));
    Path work;
    try {
      work = Files.createTempDirectory("sqlq-consumer-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a working directory", e);
    }
    for (int i = 0; i < options.pollers(); i++) {
      ConsumerHandler handler = ConsumerHandler.builder(config).aws(consumerS3, sqs, ec2)
          .workDirectory(work.resolve("poller-" + i)).listener(options.listener()).build();
      var poller = new LocalEventSourcePoller(sqs, config.requestQueueUrl(), handler,
          options.functionTimeout(), Duration.ofSeconds(1), Clock.systemUTC());
      pollers.add(poller);
      poller.start();
    }
  }

  /** The stack's configuration (endpoint, bucket, queue URLs, lock VPC, lease). */
  public SqlqConfig config() {
    return config;
  }

  /**
   * The pipeline's S3 client, for its user (not the consumers', which has the
   * {@link Options#consumerS3Interceptors()}); owned by the pipeline, closed with it.
   */
  public S3Client s3() {
    return s3;
  }

  /** The pipeline's SQS client; owned by the pipeline, closed with it. */
  public SqsClient sqs() {
    return sqs;
  }

  /** The pipeline's EC2 client; owned by the pipeline, closed with it. */
  public Ec2Client ec2() {
    return ec2;
  }

  /** Batches handled by all pollers so far. */
  public long batches() {
    return pollers.stream().mapToLong(LocalEventSourcePoller::batches).sum();
  }

  /** Records the pollers reported failed so far (redelivered after their visibility timeout). */
  public long failedRecords() {
    return pollers.stream().mapToLong(LocalEventSourcePoller::failedRecords).sum();
  }

  /** The sum of the reports of every reaper run so far. */
  public ReapReport reaped() {
    return reaper.total();
  }

  @Override
  public void close() {
    if (reaper != null) {
      reaper.close();
    }
    pollers.forEach(LocalEventSourcePoller::close);
    if (consumerS3 != null) {
      consumerS3.close();
    }
    s3.close();
    sqs.close();
    ec2.close();
    clients.close();
    if (emulators != null) {
      emulators.close();
    }
  }
}
