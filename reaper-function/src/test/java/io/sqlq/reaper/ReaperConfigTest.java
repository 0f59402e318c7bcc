package io.sqlq.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.Endpoints;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaperConfigTest {
  @Test
  void aCompleteEnvironment_isReadWithTheDefaultGracesAndSevenDaysOfHistory() {
    ReaperConfig config = ReaperConfig.fromEnvironment(
        new Environment(Map.of("AWS_REGION", "eu-west-1", "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b")));

    assertThat(config).isEqualTo(new ReaperConfig("eu-west-1", Endpoints.AWS, "vpc-1", Duration.ofSeconds(30), "b", "",
        Duration.ofMinutes(10), Duration.ofDays(7)));
  }

  @Test
  void prefixStoreGraceAndRetention_areReadWhenSet() {
    ReaperConfig config = ReaperConfig.fromEnvironment(new Environment(Map.of("AWS_REGION", "eu-west-1",
        "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b", "SQLQ_PREFIX", "t/", "SQLQ_GC_GRACE_MS", "0",
        "SQLQ_HISTORY_RETENTION_MS", "3600000")));

    assertThat(config.keyPrefix()).isEqualTo("t/");
    assertThat(config.storeGrace()).isZero();
    assertThat(config.historyRetention()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> ReaperConfig.fromEnvironment(new Environment(Map.of("AWS_REGION", "eu-west-1",
        "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b", "SQLQ_HISTORY_RETENTION_MS", "0"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'0'");
  }

  @Test
  void endpointAndGrace_areReadWhenSet() {
    ReaperConfig config = ReaperConfig.fromEnvironment(new Environment(Map.of("AWS_REGION", "us-east-1",
        "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b",
        "AWS_ENDPOINT_URL", "http://127.0.0.1:5000", "SQLQ_REAPER_GRACE_MS", "0")));

    assertThat(config.endpoints()).isEqualTo(Endpoints.of(URI.create("http://127.0.0.1:5000")));
    assertThat(config.grace()).isZero();
  }

  @Test
  void missingVariables_areAllNamed() {
    assertThatThrownBy(() -> ReaperConfig.fromEnvironment(new Environment(Map.of())))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("AWS_REGION, SQLQ_LOCK_VPC_ID, SQLQ_BUCKET");
  }

  @Test
  void aNegativeOrNonNumericGrace_isRefusedWithItsValue() {
    for (String bad : new String[] {"-1", "30s"}) {
      assertThatThrownBy(() -> ReaperConfig.fromEnvironment(new Environment(
          Map.of("AWS_REGION", "us-east-1", "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b", "SQLQ_REAPER_GRACE_MS", bad))))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void aBadEndpoint_isAConfigurationErrorNamingTheVariable() {
    assertThatThrownBy(() -> ReaperConfig.fromEnvironment(new Environment(
        Map.of("AWS_REGION", "us-east-1", "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b", "AWS_ENDPOINT_URL", "http://bad host"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("AWS_ENDPOINT_URL must be an http or https URL, not 'http://bad host'");
  }

  @Test
  void theRegion_fallsBackToAwsDefaultRegionAsForEveryConfiguration() {
    assertThat(ReaperConfig.fromEnvironment(new Environment(
        Map.of("AWS_DEFAULT_REGION", "eu-north-1", "SQLQ_LOCK_VPC_ID", "vpc-1", "SQLQ_BUCKET", "b"))).region()).isEqualTo("eu-north-1");
  }
}
