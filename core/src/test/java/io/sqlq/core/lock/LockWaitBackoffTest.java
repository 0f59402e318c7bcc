package io.sqlq.core.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The sleeps between lock attempts: full jitter below the cap, clipped at it (see {@link LockWait}). */
class LockWaitBackoffTest {
  private static final int DRAWS = 5_000;

  private static LongSummaryStatistics draws(int attempt) {
    return LongStream.range(0, DRAWS).map(i -> LockWait.BACKOFF.apply(attempt)).summaryStatistics();
  }

  @Test
  void belowTheCap_sleepsSpreadFromNearZeroToTwiceTheNominalInterval() {
    for (int attempt = 1; attempt <= 5; attempt++) {
      long nominal = 25L << (attempt - 1);
      LongSummaryStatistics stats = draws(attempt);

      assertThat(stats.getMin()).as("shortest sleep of attempt %d", attempt).isLessThan(nominal / 10 + 1);
      assertThat(stats.getMax()).as("longest sleep of attempt %d", attempt)
          .isGreaterThan(nominal * 19 / 10).isLessThanOrEqualTo(2 * nominal + 1);
      assertThat(stats.getAverage()).as("mean sleep of attempt %d", attempt)
          .isBetween(nominal * 0.9, nominal * 1.1);
    }
  }

  @Test
  void pastTheCap_noSleepIsLongerThanTheCapAndShortOnesStillOccur() {
    LongSummaryStatistics stats = draws(12);

    assertThat(stats.getMax()).isEqualTo(LockWait.MAX_INTERVAL.toMillis());
    assertThat(stats.getMin()).isLessThan(LockWait.MAX_INTERVAL.toMillis() / 2);
  }
}
