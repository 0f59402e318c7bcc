package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptRunSummaryTest {

  @Test
  void localSummaryGivesCountsBatchesRateVersionAndTheFailedStatements() {
    var summary = new ScriptRun.Summary("chinook", 100, 98, 1, 1,
        List.of("statement 7: SQLITE_ERROR no such table: x -- INSERT INTO x VALUES (1)"),
        new ScriptRun.ConsumerCounts(3, 2), 2.0, 3);

    assertThat(summary.format()).isEqualTo(String.join(System.lineSeparator(),
        "chinook: 100 statements, 98 OK, 1 ERROR, 1 unanswered; 3 batches, 2 records redelivered; 2.0 s wall,"
            + " 50 statements/s; database version 3",
        "  statement 7: SQLITE_ERROR no such table: x -- INSERT INTO x VALUES (1)"));
    assertThat(summary.clean()).isFalse();
  }

  @Test
  void remoteSummaryLeavesOutTheConsumerItCannotSee() {
    var summary = new ScriptRun.Summary("main", 10, 10, 0, 0, List.of(), null, 1.0, 9);

    assertThat(summary.format()).isEqualTo(
        "main: 10 statements, 10 OK, 0 ERROR, 0 unanswered; 1.0 s wall, 10 statements/s; database version 9");
    assertThat(summary.clean()).isTrue();
  }

  @Test
  void consumerCountsOfARunAreTheDifferenceFromItsStart() {
    assertThat(new ScriptRun.ConsumerCounts(12, 5).minus(new ScriptRun.ConsumerCounts(10, 1)))
        .isEqualTo(new ScriptRun.ConsumerCounts(2, 4));
  }
}
