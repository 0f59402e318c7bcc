package io.sqlq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlqConfigTest {
  private final Map<String, String> env = new HashMap<>(Map.of(
      "AWS_REGION", "eu-west-1", "SQLQ_BUCKET", "b", "SQLQ_REQUEST_QUEUE_URL", "rq", "SQLQ_REPLY_QUEUE_URL", "rp",
      "SQLQ_DEAD_LETTER_QUEUE_URL", "dl", "SQLQ_LOCK_VPC_ID", "vpc-1"));

  @Test
  void appliedRetentionDefaultsToTwentyNineDaysTheQueueAndDeadLetterRetentionsAndADay() {
    assertThat(SqlqConfig.fromEnvironment(env).appliedRetention()).isEqualTo(Duration.ofDays(29))
        .isEqualTo(Duration.ofMillis(2_505_600_000L));
  }

  @Test
  void appliedRetentionIsReadInMilliseconds() {
    env.put("SQLQ_APPLIED_RETENTION_MS", "3600000");

    assertThat(SqlqConfig.fromEnvironment(env).appliedRetention()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aRetentionOfZeroIsRefusedWithTheVariableNamed() {
    env.put("SQLQ_APPLIED_RETENTION_MS", "0");

    assertThatThrownBy(() -> SqlqConfig.fromEnvironment(env)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("SQLQ_APPLIED_RETENTION_MS must be positive: 0 ms");
  }
}
