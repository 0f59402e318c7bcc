package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackOutputsTest {
  private static Map<String, String> outputs() {
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("SqlqBucket", "sqlq-sqlqdatabases-1a2b");
    outputs.put("SqlqRequestQueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-requests.fifo");
    outputs.put("SqlqReplyQueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies");
    outputs.put("SqlqDeadLetterQueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-dead-letter.fifo");
    outputs.put("SqlqLockVpcId", "vpc-0abc");
    return outputs;
  }

  @Test
  void outputKeysBecomeTheVariablesSqlqConfigReads() {
    Map<String, String> outputs = outputs();
    outputs.put("SqlqPrefix", "tenant-a/");
    outputs.put("SomethingElse", "ignored");

    Map<String, String> env = StackOutputs.environment("sqlq", "CREATE_COMPLETE", "eu-west-1", outputs);

    assertThat(env).containsOnlyKeys("AWS_REGION", "SQLQ_BUCKET", "SQLQ_REQUEST_QUEUE_URL", "SQLQ_REPLY_QUEUE_URL",
        "SQLQ_DEAD_LETTER_QUEUE_URL", "SQLQ_LOCK_VPC_ID", "SQLQ_PREFIX");
    SqlqConfig config = SqlqConfig.fromEnvironment(new Environment(env));
    assertThat(config.region()).isEqualTo("eu-west-1");
    assertThat(config.lockVpcId()).isEqualTo("vpc-0abc");
    assertThat(config.keyPrefix()).isEqualTo("tenant-a/");
    assertThat(config.deadLetterQueueUrl()).endsWith("/sqlq-dead-letter.fifo");
  }

  @Test
  void aStackWithoutTheOutputsIsNamedWithWhatIsMissing() {
    Map<String, String> outputs = outputs();
    outputs.remove("SqlqLockVpcId");

    assertThatThrownBy(() -> StackOutputs.environment("web", "CREATE_IN_PROGRESS", "eu-west-1", outputs))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("stack web (CREATE_IN_PROGRESS) lacks the outputs SqlqLockVpcId: is it a sqlq stack, "
            + "and has its deploy finished?");
  }

  @Test
  void exportLinesQuoteValuesForTheShell() {
    assertThat(StackOutputs.exports(Map.of("SQLQ_PREFIX", "it's/"))).isEqualTo("export SQLQ_PREFIX='it'\\''s/'\n");
  }
}
