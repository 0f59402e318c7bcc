package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatementBudgetTest {
  @Test
  void theDefaultIsTenSecondsUnlessAQuarterOfTheLeaseIsShorter() {
    assertThat(StatementBudget.forLease(Duration.ofMinutes(5)).perStatement()).isEqualTo(Duration.ofSeconds(10));
    assertThat(StatementBudget.forLease(Duration.ofSeconds(40)).perStatement()).isEqualTo(Duration.ofSeconds(10));
    assertThat(StatementBudget.forLease(Duration.ofSeconds(20)).perStatement()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aBudgetMustBePositive() {
    assertThatThrownBy(() -> new StatementBudget(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("a statement budget must be positive, not 0 ms");
  }
}
