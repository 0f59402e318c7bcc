package io.sqlq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.consumer.LocalPipeline;
import io.sqlq.core.SqlqConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sqlq local up}: starts the local stack, prints one JSON line describing it, and runs
 * until SIGINT or SIGTERM, then stops everything it started.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start the local stack and its consumer; print one JSON line with endpoint, region, bucket,",
        "requestQueueUrl, replyQueueUrl, deadLetterQueueUrl, lockVpcId; run until Ctrl-C."})
final class LocalUpCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Override
  public Integer call() throws Exception {
    LocalPipeline pipeline = LocalPipeline.start(stack.options());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pipeline.close();
      stopped.countDown();
    }, "sqlq-shutdown"));
    System.out.println(new ObjectMapper().writeValueAsString(describe(pipeline.config())));
    System.out.flush();
    stopped.await();
    return 0;
  }

  static Map<String, String> describe(SqlqConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("endpoint", String.valueOf(config.endpoint()));
    out.put("region", config.region());
    out.put("bucket", config.bucket());
    out.put("requestQueueUrl", config.requestQueueUrl());
    out.put("replyQueueUrl", config.replyQueueUrl());
    out.put("deadLetterQueueUrl", config.deadLetterQueueUrl());
    out.put("lockVpcId", config.lockVpcId());
    return out;
  }
}
