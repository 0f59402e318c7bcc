package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatementBudgetTest {
  @Test
  void theDefaultIsTenSecondsUnlessAQuarterOfTheLeaseIsShorter() {
    assertThat(StatementBudget.forLease(Duration.ofMinutes(5)).perStatement()).isEqualTo(Duration.ofSeconds(10));
    assertThat(StatementBudget.forLease(Duration.ofSeconds(40)).perStatement()).isEqualTo(Duration.ofSeconds(10));
    assertThat(StatementBudget.forLease(Duration.ofSeconds(20)).perStatement()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theEnvironmentSetsTheBudgetBelowTheLease() {
    Duration lease = Duration.ofMinutes(5);

    assertThat(StatementBudget.fromEnvironment(Map.of(), lease).perStatement()).isEqualTo(Duration.ofSeconds(10));
    assertThat(StatementBudget.fromEnvironment(Map.of("SQLQ_STATEMENT_TIMEOUT_MS", "1"), lease).perStatement())
        .isEqualTo(Duration.ofMillis(1));
    assertThat(StatementBudget.fromEnvironment(Map.of("SQLQ_STATEMENT_TIMEOUT_MS", "299999"), lease).perStatement())
        .isEqualTo(Duration.ofMillis(299_999));
  }

  @Test
  void aBudgetFromTheEnvironmentOutsideOneMillisecondToTheLeaseIsAConfigurationError() {
    Duration lease = Duration.ofMinutes(5);

    assertThatThrownBy(() -> StatementBudget.fromEnvironment(Map.of("SQLQ_STATEMENT_TIMEOUT_MS", "300000"), lease))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_STATEMENT_TIMEOUT_MS must be at least 1 and below the lease of 300000 ms, not 300000");
    assertThatThrownBy(() -> StatementBudget.fromEnvironment(Map.of("SQLQ_STATEMENT_TIMEOUT_MS", "0"), lease))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> StatementBudget.fromEnvironment(Map.of("SQLQ_STATEMENT_TIMEOUT_MS", "10s"), lease))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("SQLQ_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds: '10s'");
  }

  @Test
  void aBudgetMustBePositive() {
    assertThatThrownBy(() -> new StatementBudget(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("a statement budget must be positive, not 0 ms");
  }
}
