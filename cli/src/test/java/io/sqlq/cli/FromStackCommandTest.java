package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.local.MotoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/** {@code sqlq config from-stack} against a stack created in moto's CloudFormation. */
class FromStackCommandTest {
  private static final String TEMPLATE = """
      {"Resources": {"Replies": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "demo-replies"}}},
       "Outputs": {
         "SqlqBucket": {"Value": "demo-databases"},
         "SqlqRequestQueueUrl": {"Value": "https://sqs.us-east-1.amazonaws.com/123456789012/demo-requests.fifo"},
         "SqlqReplyQueueUrl": {"Value": {"Ref": "Replies"}},
         "SqlqDeadLetterQueueUrl": {"Value": "https://sqs.us-east-1.amazonaws.com/123456789012/demo-dead-letter.fifo"},
         "SqlqLockVpcId": {"Value": "vpc-0123"}}}
      """;

  private static MotoServer moto;

  @BeforeAll
  static void createStack() {
    moto = MotoServer.start();
    try (AwsClients clients = new AwsClients("us-east-1", Endpoints.of(moto.endpoint()));
        CloudFormationClient cloudFormation = clients.newClient(CloudFormationClient.builder())) {
      cloudFormation.createStack(b -> b.stackName("demo").templateBody(TEMPLATE));
    }
  }

  @AfterAll
  static void stop() {
    moto.close();
  }

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesTheStacksVariablesAsExportLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sqlq.env");

    int code = run("config", "from-stack", "demo", "--region", "us-east-1",
        "--endpoint-url", moto.endpoint().toString(), "--output", file.toString());

    assertThat(code).isEqualTo(0);
    assertThat(Files.readAllLines(file)).containsExactly(
        "export AWS_REGION='us-east-1'",
        "export SQLQ_BUCKET='demo-databases'",
        "export SQLQ_REQUEST_QUEUE_URL='https://sqs.us-east-1.amazonaws.com/123456789012/demo-requests.fifo'",
        "export SQLQ_REPLY_QUEUE_URL='https://sqs.us-east-1.amazonaws.com/123456789012/demo-replies'",
        "export SQLQ_DEAD_LETTER_QUEUE_URL='https://sqs.us-east-1.amazonaws.com/123456789012/demo-dead-letter.fifo'",
        "export SQLQ_LOCK_VPC_ID='vpc-0123'");
  }

  @Test
  void anUnknownStackEndsInOneLine() {
    int code = run("config", "from-stack", "nope", "--region", "us-east-1", "--endpoint-url", moto.endpoint().toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: ").contains("DescribeStacks nope").doesNotContain("\tat ");
  }
}
