package io.sqlq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.local.LocalEmulators;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sqlq local emulators}: starts only the local AWS APIs ({@link LocalEmulators}: ElasticMQ
 * for SQS, moto for S3 and EC2), prints their endpoints as one JSON line
 * ({@code {"endpoint":"http://127.0.0.1:P","sqsEndpoint":"http://127.0.0.1:Q"}}), and runs until
 * SIGINT or SIGTERM, then stops them. {@code sqlq local up} in a shell holding the variables of
 * {@code --env-file} reuses them, so a consumer can be killed and restarted against the same
 * queues.
 */
@Command(name = "emulators", mixinStandardHelpOptions = true,
    description = {"Start only the local emulators (ElasticMQ for SQS, moto for S3 and EC2); print one JSON line",
        "with endpoint and sqsEndpoint; run until Ctrl-C."})
final class EmulatorsCommand implements Callable<Integer> {
  @Option(names = "--env-file", description = {"Also write AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS as export lines",
      "to this file (created or replaced), for: . FILE; sqlq local up"})
  Path envFile;

  @Override
  public Integer call() throws Exception {
    LocalEmulators emulators = LocalEmulators.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulators.close();
      stopped.countDown();
    }, "sqlq-shutdown"));
    if (envFile != null) {
      Files.writeString(envFile, StackOutputs.exports(variables(emulators.endpoints())));
      System.err.println("sqlq: wrote " + envFile + "; load it in another shell with: . " + envFile);
    }
    System.out.println(new ObjectMapper().writeValueAsString(describe(emulators.endpoints())));
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The variables {@link Environment#endpoints()} reads back as {@code endpoints}: the global one
   * and each service's own where it differs from it; none for {@link Endpoints#AWS}.
   */
  static Map<String, String> variables(Endpoints endpoints) {
    Map<String, String> env = new LinkedHashMap<>();
    putIfOwn(env, Environment.AWS_ENDPOINT_URL, endpoints.global(), null);
    putIfOwn(env, Environment.AWS_ENDPOINT_URL_S3, endpoints.s3(), endpoints.global());
    putIfOwn(env, Environment.AWS_ENDPOINT_URL_SQS, endpoints.sqs(), endpoints.global());
    putIfOwn(env, Environment.AWS_ENDPOINT_URL_EC2, endpoints.ec2(), endpoints.global());
    return env;
  }

  /** {@code endpoint} (the global one, S3 and EC2 locally) and {@code sqsEndpoint}, as JSON fields. */
  static Map<String, String> describe(Endpoints endpoints) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("endpoint", String.valueOf(endpoints.global()));
    out.put("sqsEndpoint", String.valueOf(endpoints.sqs()));
    return out;
  }

  private static void putIfOwn(Map<String, String> env, String name, URI value, URI inherited) {
    if (value != null && !value.equals(inherited)) {
      env.put(name, value.toString());
    }
  }
}
