package io.sqlq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.local.LocalPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sqlq local up}: starts the local stack, prints one JSON line describing it, and runs
 * until SIGINT or SIGTERM, then stops everything it started.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start the local stack and its consumer; print one JSON line with endpoint, sqsEndpoint, region,",
        "bucket, requestQueueUrl, replyQueueUrl, deadLetterQueueUrl, lockVpcId; run until Ctrl-C.",
        "Reuses the running emulators AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_SQS, _S3, _EC2 name, if set."})
final class LocalUpCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Option(names = "--env-file", description = {"Also write the stack's variables as export lines to this file",
      "(created or replaced), so that another shell can run: . FILE; sqlq submit ..."})
  Path envFile;

  @Override
  public Integer call() throws Exception {
    LocalPipeline pipeline = LocalPipeline.start(stack.options());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pipeline.close();
      stopped.countDown();
    }, "sqlq-shutdown"));
    if (envFile != null) {
      Files.writeString(envFile, StackOutputs.exports(environment(pipeline.config())));
      System.err.println("sqlq: wrote " + envFile + "; load it in another shell with: . " + envFile);
    }
    System.out.println(new ObjectMapper().writeValueAsString(describe(pipeline.config())));
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The variables {@link SqlqConfig#fromEnvironment} reads for this stack, with the consumers'
   * lease, so that {@code sqlq exec} from another shell holds the lock as they do.
   */
  static Map<String, String> environment(SqlqConfig config) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Environment.AWS_REGION, config.region());
    env.putAll(EmulatorsCommand.variables(config.endpoints()));
    env.put("SQLQ_BUCKET", config.bucket());
    env.put("SQLQ_REQUEST_QUEUE_URL", config.requestQueueUrl());
    env.put("SQLQ_REPLY_QUEUE_URL", config.replyQueueUrl());
    env.put("SQLQ_DEAD_LETTER_QUEUE_URL", config.deadLetterQueueUrl());
    env.put("SQLQ_LOCK_VPC_ID", config.lockVpcId());
    env.put("SQLQ_LEASE_MS", Long.toString(config.lease().toMillis()));
    return env;
  }

  static Map<String, String> describe(SqlqConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    out.putAll(EmulatorsCommand.describe(config.endpoints()));
    out.put("region", config.region());
    out.put("bucket", config.bucket());
    out.put("requestQueueUrl", config.requestQueueUrl());
    out.put("replyQueueUrl", config.replyQueueUrl());
    out.put("deadLetterQueueUrl", config.deadLetterQueueUrl());
    out.put("lockVpcId", config.lockVpcId());
    return out;
  }
}
