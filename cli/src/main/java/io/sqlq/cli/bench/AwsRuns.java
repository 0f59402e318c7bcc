package io.sqlq.cli.bench;

import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.BatchMetrics;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.SqlqException;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalPipeline;
import io.sqlq.local.StackProvisioner;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The two modes on the local AWS emulator: {@link Mode#PIPELINE} (sqlq as built, through
 * {@link LocalPipeline}, the stack of {@code sqlq local}) and {@link Mode#BASELINE} (the
 * per-request design, {@link PerRequestDesign}, on a {@link BaselineStack}). Each has a stack of
 * its own on the emulator, so neither sees the other's queues, locks or objects, and each
 * workload has databases of its own.
 */
final class AwsRuns {
  /** How long the pipeline's client waits for a reply, and for an in-flight slot. */
  static final Duration REPLY_TIMEOUT = Duration.ofMinutes(10);
  /** How long the pipeline's figures wait for its consumers' last batch reports. */
  static final Duration REPORT_WAIT = Duration.ofSeconds(30);
  /** How long after the last report the count of AWS calls goes on: the records' deletes, on loopback. */
  static final Duration SETTLE = Duration.ofMillis(250);

  private AwsRuns() {}

  /**
   * The pipeline's local stack ({@link LocalPipeline}, as {@code sqlq local} runs it) with
   * {@code pollers} consumers, and one {@link SqlqClient} on its own reply queue (its queries
   * read the stack's bucket); kept from one
   * workload to the next while the number of consumers stays the same. The consumers report
   * their batches through {@link BatchMetrics}, as on Lambda, to the phase under way.
   */
  static final class PipelineStack implements AutoCloseable {
    private final int pollers;
    private final AtomicReference<Phase> phase = new AtomicReference<>();
    private final LocalPipeline pipeline;
    private final SqlqClient client;

    PipelineStack(Endpoints endpoints, String name, int pollers) {
      this.pollers = pollers;
      this.pipeline = LocalPipeline.start(LocalPipeline.options(name).endpoints(endpoints).pollers(pollers)
          .listener(new BatchMetrics(report -> {
            Phase current = phase.get();
            if (current != null) {
              current.batch(report);
            }
          })).build());
      try {
        this.client = SqlqClient.builder().sqs(pipeline.sqs())
            .store(new PageDeltaStore(pipeline.s3(), pipeline.config().bucket(), pipeline.config().keyPrefix()))
            .requestQueueUrl(pipeline.config().requestQueueUrl())
            .defaultReplyQueueUrl(pipeline.config().replyQueueUrl()).ownReplyQueue()
            .requestTimeout(REPLY_TIMEOUT).maxBlock(REPLY_TIMEOUT).replyWaitTime(Duration.ofSeconds(1)).build();
      } catch (RuntimeException e) {
        pipeline.close();
        throw e;
      }
    }

    int pollers() {
      return pollers;
    }

    /** The local stack: its clients and configuration. */
    LocalPipeline pipeline() {
      return pipeline;
    }

    /** The client, on its own reply queue, with the stack's bucket as the store its queries read. */
    SqlqClient client() {
      return client;
    }

    @Override
    public void close() {
      try {
        client.close();
      } finally {
        pipeline.close();
      }
    }
  }

  /**
   * {@link Mode#PIPELINE}: each database seeded in S3, then the stack's client submits every
   * statement (the databases in turn, each in its order) as fast as the client takes them, and
   * waits for every reply. Every AWS request of the JVM meanwhile counts as the pipeline's.
   */
  static void pipeline(Workload workload, Phase phase, PipelineStack stack) {
    List<String> dbs = new ArrayList<>();
    PageDeltaStore store = new PageDeltaStore(stack.pipeline.s3(), stack.pipeline.config().bucket(),
        stack.pipeline.config().keyPrefix());
    for (int i = 0; i < workload.databases(); i++) {
      dbs.add(workload.database(Mode.PIPELINE, i));
      if (workload.seed() != null) {
        store.publish(dbs.get(i), workload.seed(), null, 0);
      }
    }
    stack.phase.set(phase);
    try {
      phase.start();
      List<CompletableFuture<Reply>> futures = new ArrayList<>(workload.totalStatements());
      for (Statement statement : workload.statements()) {
        for (String db : dbs) {
          long start = System.nanoTime();
          futures.add(stack.client.database(db).submit(statement).whenComplete((reply, error) ->
              phase.statement(System.nanoTime() - start, error != null ? failure(error)
                  : reply.ok() ? null : reply.error().code() + " " + reply.error().message())));
        }
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
      phase.stopClock();
      awaitReports(phase, workload.totalStatements());
      phase.stopCounting();
    } finally {
      stack.phase.set(null);
    }
  }

  /**
   * Waits until the consumers have reported batches holding {@code requests} requests (a reply
   * reaches the client before its batch ends: the consumer reports it, then deletes its records),
   * then {@link #SETTLE} more for the deletes, at most {@link #REPORT_WAIT}: so the phase's batch
   * figures and AWS calls are those of all its batches.
   */
  private static void awaitReports(Phase phase, long requests) {
    long deadline = System.nanoTime() + REPORT_WAIT.toNanos();
    try {
      while (phase.reportedRequests() < requests && System.nanoTime() - deadline < 0) {
        Thread.sleep(10);
      }
      Thread.sleep(SETTLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String failure(Throwable error) {
    return String.valueOf(error.getCause() == null ? error : error.getCause());
  }

  /**
   * The baseline's stack on the emulator, provisioned once per run: of what
   * {@link StackProvisioner} makes it uses only the bucket and the lock VPC (the original design
   * had no queue), so it makes no calls between calls of the baseline.
   */
  static final class BaselineStack implements AutoCloseable {
    private final S3Client s3;
    private final SqsClient sqs;
    private final Ec2Client ec2;
    private final SqlqConfig config;

    BaselineStack(AwsClients clients, String name) {
      this.s3 = clients.newS3Client();
      this.sqs = clients.newSqsClient();
      this.ec2 = clients.newEc2Client();
      try {
        this.config = new StackProvisioner(s3, sqs, ec2).provision(name, StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT,
            LocalPipeline.Options.FUNCTION_TIMEOUT);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      s3.close();
      sqs.close();
      ec2.close();
    }
  }

  /**
   * {@link Mode#BASELINE}: each database seeded in S3, then one caller per database making calls
   * one after another, each statement in order, until the workload ends or {@code budget} has
   * passed (a call under way then finishes, so each database gets at least one). Only the
   * callers' AWS requests count (a pipeline stack may be alive and polling meanwhile).
   */
  static void baseline(Workload workload, Phase phase, BaselineStack stack, Path work, Duration budget)
      throws InterruptedException {
    var design = new PerRequestDesign(
        new SecurityGroupLock(stack.ec2, stack.config.lockVpcId(), stack.config.lease(), Clock.systemUTC()),
        new PageDeltaStore(stack.s3, stack.config.bucket(),
            stack.config.keyPrefix()), work, new BatchMetrics(phase::batch),
        stack.config.lockWaitBudget());
    List<String> dbs = new ArrayList<>();
    for (int i = 0; i < workload.databases(); i++) {
      dbs.add(workload.database(Mode.BASELINE, i));
      if (workload.seed() != null) {
        design.seed(dbs.get(i), workload.seed());
      }
    }
    phase.start(true);
    long deadline = System.nanoTime() + budget.toNanos();
    List<Thread> callers = new ArrayList<>();
    for (String db : dbs) {
      callers.add(Thread.ofPlatform().name("bench-baseline-" + db).start(() -> {
        AwsCallCounter.markThisThread();
        for (Statement statement : workload.statements()) {
          long start = System.nanoTime();
          String error = null;
          try {
            design.call(db, statement);
          } catch (SQLException | SqlqException e) {
            error = e.getMessage();
          }
          phase.statement(System.nanoTime() - start, error);
          if (System.nanoTime() - deadline >= 0) {
            break;
          }
        }
      }));
    }
    for (Thread caller : callers) {
      caller.join();
    }
    phase.stop();
  }
}
