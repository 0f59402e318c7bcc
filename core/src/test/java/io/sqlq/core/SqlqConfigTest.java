package io.sqlq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.Endpoints;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlqConfigTest {
  private final Map<String, String> env = new HashMap<>(Map.of(
      "AWS_REGION", "eu-west-1", "SQLQ_BUCKET", "b", "SQLQ_REQUEST_QUEUE_URL", "rq", "SQLQ_REPLY_QUEUE_URL", "rp",
      "SQLQ_DEAD_LETTER_QUEUE_URL", "dl", "SQLQ_LOCK_VPC_ID", "vpc-1"));

  private SqlqConfig read() {
    return SqlqConfig.fromEnvironment(new Environment(env));
  }

  @Test
  void aCompleteEnvironmentIsReadWithEveryDefault() {
    SqlqConfig config = read();

    assertThat(config).isEqualTo(new SqlqConfig("eu-west-1", null, "b", "", "rq", "rp", "dl", "vpc-1",
        Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofDays(29), Duration.ofSeconds(10)));
  }

  @Test
  void appliedRetentionDefaultsToTwentyNineDaysTheQueueAndDeadLetterRetentionsAndADay() {
    assertThat(read().appliedRetention()).isEqualTo(Duration.ofDays(29)).isEqualTo(Duration.ofMillis(2_505_600_000L));
  }

  @Test
  void durationsAreReadInMilliseconds() {
    env.putAll(Map.of("SQLQ_APPLIED_RETENTION_MS", "3600000", "SQLQ_LEASE_MS", "20000", "SQLQ_LOCK_WAIT_MS", "0",
        "SQLQ_STATEMENT_TIMEOUT_MS", "19999"));

    SqlqConfig config = read();

    assertThat(config.appliedRetention()).isEqualTo(Duration.ofHours(1));
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.lockWaitBudget()).isZero();
    assertThat(config.statementTimeout()).isEqualTo(Duration.ofMillis(19_999));
  }

  @Test
  void theRegionFallsBackToAwsDefaultRegionAsTheAwsCliDoes() {
    env.remove("AWS_REGION");
    env.put("AWS_DEFAULT_REGION", "us-west-2");

    assertThat(read().region()).isEqualTo("us-west-2");
  }

  @Test
  void everyMissingVariableIsNamedAtOnce() {
    assertThatThrownBy(() -> SqlqConfig.fromEnvironment(new Environment(Map.of("SQLQ_BUCKET", " "))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("missing environment variables: AWS_REGION, SQLQ_BUCKET, SQLQ_REQUEST_QUEUE_URL,"
            + " SQLQ_REPLY_QUEUE_URL, SQLQ_DEAD_LETTER_QUEUE_URL, SQLQ_LOCK_VPC_ID");
  }

  @Test
  void aRetentionOfZeroIsRefusedWithTheVariableAndTheValueNamed() {
    env.put("SQLQ_APPLIED_RETENTION_MS", "0");

    assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_APPLIED_RETENTION_MS must be at least 1 ms, not '0'");
  }

  @Test
  void aDurationThatIsNotWholeMillisecondsIsRefusedWithTheVariableAndTheValueNamed() {
    env.put("SQLQ_LEASE_MS", "30s");

    assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_LEASE_MS must be a whole number of milliseconds, not '30s'");
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlIsRefusedWithItsValue() {
    for (String bad : new String[] {"localhost:4566", "http://", "ftp://host", "http://exa mple"}) {
      env.put("AWS_ENDPOINT_URL", bad);

      assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
          .hasMessage("AWS_ENDPOINT_URL must be an http or https URL, not '" + bad + "'");
    }
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
    assertThat(read().endpoints()).isEqualTo(Endpoints.of(URI.create("http://127.0.0.1:5000")));
    env.put("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324");
    assertThat(read().endpoints()).isEqualTo(new Endpoints(URI.create("http://127.0.0.1:5000"),
        URI.create("http://127.0.0.1:5000"), URI.create("http://127.0.0.1:9324"), URI.create("http://127.0.0.1:5000")));
    env.put("AWS_ENDPOINT_URL_SQS", "localhost:9324");
    assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
        .hasMessage("AWS_ENDPOINT_URL_SQS must be an http or https URL, not 'localhost:9324'");
  }

  @Test
  void theStatementTimeoutDefaultsToTenSecondsOrAQuarterOfAShorterLease() {
    assertThat(SqlqConfig.defaultStatementTimeout(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
    assertThat(SqlqConfig.defaultStatementTimeout(Duration.ofSeconds(40))).isEqualTo(Duration.ofSeconds(10));
    assertThat(SqlqConfig.defaultStatementTimeout(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(5));
    assertThat(SqlqConfig.defaultStatementTimeout(Duration.ofMillis(3))).isEqualTo(Duration.ofMillis(1));
    env.put("SQLQ_LEASE_MS", "20000");
    assertThat(read().statementTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aStatementTimeoutFromOneMillisecondToBelowTheLeaseIsTakenAndOutsideItIsRefused() {
    env.put("SQLQ_STATEMENT_TIMEOUT_MS", "1");
    assertThat(read().statementTimeout()).isEqualTo(Duration.ofMillis(1));
    env.put("SQLQ_STATEMENT_TIMEOUT_MS", "299999");
    assertThat(read().statementTimeout()).isEqualTo(Duration.ofMillis(299_999));

    env.put("SQLQ_STATEMENT_TIMEOUT_MS", "300000");
    assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_STATEMENT_TIMEOUT_MS must be at least 1 and below the lease of 300000 ms, not 300000");
    env.put("SQLQ_STATEMENT_TIMEOUT_MS", "0");
    assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_STATEMENT_TIMEOUT_MS must be at least 1 ms, not '0'");
  }

  @Test
  void aKeyPrefixMustEndInASlash() {
    env.put("SQLQ_PREFIX", "tenant");

    assertThatThrownBy(this::read).isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_PREFIX must be empty or end in '/': 'tenant'");
  }
}
