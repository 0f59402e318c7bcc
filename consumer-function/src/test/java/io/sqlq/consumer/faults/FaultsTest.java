package io.sqlq.consumer.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.PublishConflictException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FaultsTest {
  private final Faults faults = new Faults();

  @Test
  void unarmedEveryCheckPasses() {
    for (FaultPoint point : FaultPoint.values()) {
      faults.check(point);
    }
    assertThat(faults.fired()).isZero();
  }

  @Test
  void armedEveryNthCallFailsUntilTheTimesAreSpent() {
    faults.arm(FaultPoint.AFTER_FETCH, 2, 2);
    List<Integer> failedCalls = new ArrayList<>();
    for (int call = 1; call <= 8; call++) {
      try {
        faults.check(FaultPoint.AFTER_FETCH);
        faults.check(FaultPoint.AFTER_LOCK);
      } catch (InjectedFaultException e) {
        assertThat(e.point()).isEqualTo(FaultPoint.AFTER_FETCH);
        failedCalls.add(call);
      }
    }
    assertThat(failedCalls).containsExactly(2, 4);
    assertThat(faults.fired(FaultPoint.AFTER_FETCH)).isEqualTo(2);
    assertThat(faults.fired()).isEqualTo(2);
  }

  @Test
  void anActionRunsOnceAtTheNextCallAndTheCallGoesOn() {
    AtomicInteger runs = new AtomicInteger();
    faults.onNextCall(FaultPoint.AFTER_COMMIT, runs::incrementAndGet);

    faults.check(FaultPoint.AFTER_COMMIT);
    faults.check(FaultPoint.AFTER_COMMIT);

    assertThat(runs).hasValue(1);
    assertThat(faults.fired(FaultPoint.AFTER_COMMIT)).isEqualTo(1);
  }

  @Test
  void disarmedChecksPassAgainAndBadPlansAreRefused() {
    faults.arm(FaultPoint.MID_APPLY, 1, 5);
    faults.disarm();
    faults.check(FaultPoint.MID_APPLY);

    assertThatThrownBy(() -> faults.arm(FaultPoint.MID_APPLY, 0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every 0");
  }

  @Test
  void aStorePointFailsAsS3WouldAndACrashPointAsACrash() {
    faults.arm(FaultPoint.STORE_FETCH_5XX, 1, 1);
    faults.arm(FaultPoint.STORE_PUBLISH_CONFLICT, 1, 1);
    faults.arm(FaultPoint.AFTER_PUBLISH, 1, 1);

    assertThatThrownBy(() -> faults.acquired(null)).isInstanceOfSatisfying(AwsCallFailedException.class,
        e -> assertThat(e.retryable()).isTrue()).hasMessageContaining("503");
    assertThatThrownBy(() -> faults.applied("main", null)).isInstanceOf(PublishConflictException.class);
    assertThatThrownBy(() -> faults.published("main", 1, 4096)).isInstanceOfSatisfying(InjectedFaultException.class,
        e -> assertThat(e.point()).isEqualTo(FaultPoint.AFTER_PUBLISH));
  }
}
