package io.sqlq.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterQueueTest {
  @Test
  void aReplayDeduplicationIdDiffersFromTheOriginalSoSqsCannotDropTheReplay() {
    String id = DeadLetterQueue.replayDeduplicationId("req-1", "dlq-message-1");

    assertThat(id).startsWith("req-1~r").hasSize("req-1~r".length() + 24).isNotEqualTo("req-1");
  }

  @Test
  void theSameDeadLetterGetsTheSameIdAndAnotherTripAnother() {
    assertThat(DeadLetterQueue.replayDeduplicationId("req-1", "m-1"))
        .isEqualTo(DeadLetterQueue.replayDeduplicationId("req-1", "m-1"))
        .isNotEqualTo(DeadLetterQueue.replayDeduplicationId("req-1", "m-2"));
  }

  @Test
  void aLongOriginalIsCutSoTheIdStaysWithinTheSqsLimitOf128() {
    String id = DeadLetterQueue.replayDeduplicationId("x".repeat(128), "m-1");

    assertThat(id).hasSize(126).matches("[\\p{Alnum}\\p{Punct}]+");
  }

  @Test
  void replayOptionsRefuseAMaxBelowOne() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ReplayOptions(null, 0, false)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must be at least 1, not 0");
  }
}
