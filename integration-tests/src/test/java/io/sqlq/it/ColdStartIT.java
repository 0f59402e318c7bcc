package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.local.LocalEmulators;
import io.sqlq.local.StackProvisioner;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Lambda jar ({@code target/sqlq-consumer.jar}, built in the package phase before this runs)
 * handles events on its own: a fresh JVM with only the jar (and {@link ColdStart}) on the class
 * path applies a request against the local emulators (SQS through {@code AWS_ENDPOINT_URL_SQS})
 * and publishes the database. Prints the jar's size and the time to the first handled event
 * (cold-start class loading), the figures of the closing note.
 * The entry point logs its per-batch metrics on standard output ({@code BatchMetrics.toLog}).
 */
class ColdStartIT {
  /** The consumer module's Lambda jar, built by its package phase before this module runs. */
  private static final Path JAR = Path.of("..", "consumer-function", "target", "sqlq-consumer.jar");

  @Test
  void theLambdaJarAloneHandlesAnEventInAFreshJvm() throws Exception {
    assertThat(JAR).as("the shaded jar: run the package phase first (mvn verify does)").isRegularFile();
    try (LocalEmulators emulators = LocalEmulators.start();
        AwsClients clients = new AwsClients(AwsClients.EMULATOR_REGION, emulators.endpoints());
        var s3 = clients.newS3Client(); var sqs = clients.newSqsClient(); var ec2 = clients.newEc2Client()) {
      SqlqConfig config = new StackProvisioner(s3, sqs, ec2).provision("coldstart",
          StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, SqlqConfig.DEFAULT_LEASE);
      String db = "cold" + Long.toHexString(System.nanoTime());
      String java = ProcessHandle.current().info().command().orElse("java");
      var builder = new ProcessBuilder(java, "-cp", JAR + File.pathSeparator + Path.of("target", "test-classes"),
          ColdStart.class.getName(), db)
          .redirectErrorStream(true).redirectOutput(Path.of("target", "cold-start.log").toFile());
      builder.environment().putAll(Map.of("AWS_REGION", config.region(),
          "AWS_ENDPOINT_URL", emulators.endpoints().global().toString(),
          "AWS_ENDPOINT_URL_SQS", emulators.endpoints().sqs().toString(), "SQLQ_BUCKET", config.bucket(), "SQLQ_REQUEST_QUEUE_URL", config.requestQueueUrl(),
          "SQLQ_REPLY_QUEUE_URL", config.replyQueueUrl(), "SQLQ_DEAD_LETTER_QUEUE_URL", config.deadLetterQueueUrl(),
          "SQLQ_LOCK_VPC_ID", config.lockVpcId()));
      Process jvm = builder.start();
      assertThat(jvm.waitFor(120, TimeUnit.SECONDS)).as("the fresh JVM ends").isTrue();
      String log = Files.readString(Path.of("target", "cold-start.log"), StandardCharsets.UTF_8);
      assertThat(jvm.exitValue()).as(log).isZero();
      System.out.printf("consumer jar: %,d bytes; %s%n", Files.size(JAR),
          log.lines().filter(l -> l.startsWith("cold start:")).findFirst().orElseThrow());
      assertThat(s3.headObject(b -> b.bucket(config.bucket()).key(config.databaseKeys(db).manifest())).contentLength())
          .isPositive();
      // The entry point logs one CloudWatch Embedded Metric Format line per database batch.
      assertThat(log.lines().filter(l -> l.startsWith("{\"_aws\":")).toList()).hasSize(2)
          .allSatisfy(l -> assertThat(l).contains("\"Database\":\"" + db + "\"", "\"Outcome\":\"ok\"",
              "\"Bucket\":\"" + config.bucket() + "\""));
    }
  }
}
