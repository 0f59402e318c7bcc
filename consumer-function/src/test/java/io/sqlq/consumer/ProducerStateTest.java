package io.sqlq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.consumer.ProducerState.Range;
import io.sqlq.consumer.ProducerState.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProducerStateTest {
  private final ProducerState state = ProducerState.unseen("p");

  @Test
  void numbersInOrderAreNewThenDuplicatesAndLeaveNoGap() {
    for (long seq = 1; seq <= 3; seq++) {
      assertThat(state.verdict(seq)).isEqualTo(Verdict.NEW);
      state.applied(seq, 10 + seq, 100);
    }

    assertThat(state.lastSeq()).isEqualTo(3);
    assertThat(state.version()).isEqualTo(13);
    assertThat(state.skipped()).isEmpty();
    assertThat(state.verdict(1)).isEqualTo(Verdict.DUPLICATE);
    assertThat(state.verdict(3)).isEqualTo(Verdict.DUPLICATE);
    assertThat(state.verdict(4)).isEqualTo(Verdict.NEW);
  }

  @Test
  void aGapIsRecordedAsSkippedAtTheTimeItWasSeen() {
    state.applied(1, 1, 100);
    state.applied(5, 2, 200);

    assertThat(state.skipped()).containsExactly(new Range(2, 4, 200));
    assertThat(state.verdict(3)).isEqualTo(Verdict.REPLAYED);
    assertThat(state.verdict(1)).isEqualTo(Verdict.DUPLICATE);
    assertThat(state.verdict(5)).isEqualTo(Verdict.DUPLICATE);
  }

  @Test
  void aFirstNumberAboveOneSkipsTheNumbersBelowIt() {
    state.applied(3, 1, 100);

    assertThat(state.skipped()).containsExactly(new Range(1, 2, 100));
  }

  @Test
  void aReplayedSkippedNumberIsAppliedOnceAndSplitsItsRange() {
    state.applied(1, 1, 100);
    state.applied(6, 2, 200);

    state.applied(3, 3, 300);

    assertThat(state.skipped()).containsExactly(new Range(2, 2, 200), new Range(4, 5, 200));
    assertThat(state.verdict(3)).isEqualTo(Verdict.DUPLICATE);
    assertThat(state.lastSeq()).isEqualTo(6);
    assertThat(state.version()).isEqualTo(3);
  }

  @Test
  void replayingBothEndsOfARangeEmptiesIt() {
    state.applied(3, 1, 100);

    state.applied(1, 2, 200);
    state.applied(2, 3, 300);

    assertThat(state.skipped()).isEmpty();
    assertThat(List.of(state.verdict(1), state.verdict(2), state.verdict(3))).containsOnly(Verdict.DUPLICATE);
  }
}
