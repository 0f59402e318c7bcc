package io.sqlq.core.sqlite;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The budget's defaults and bounds are read with the configuration: see {@code SqlqConfigTest}. */
class StatementBudgetTest {
  @Test
  void aBudgetMustBePositive() {
    assertThatThrownBy(() -> new StatementBudget(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("a statement budget must be positive, not 0 ms");
  }
}
