package io.sqlq.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryLockTest extends DatabaseLockContract {
  private final InMemoryLock lock = new InMemoryLock(LEASE, clock());

  @Override
  protected DatabaseLock lock() {
    return lock;
  }

  @Test
  void waitForAHeldLock_whenTheThreadIsInterrupted_endsAtOnceWithTheInterruptFlagStillSet() {
    lock.acquire(db, Duration.ZERO);
    Thread waiter = Thread.currentThread();
    var interrupter = Executors.newSingleThreadScheduledExecutor();
    interrupter.schedule(waiter::interrupt, 200, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    try {
      assertThatThrownBy(() -> lock.acquire(db, Duration.ofMinutes(10))).isInstanceOf(LockTimeoutException.class);
      // Tells "ended at the interrupt" from "waited out its 10-minute budget", whatever the load.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(3));
      assertThat(Thread.interrupted()).as("interrupt flag still set (and now cleared)").isTrue();
    } finally {
      interrupter.shutdownNow();
      Thread.interrupted();
    }
  }
}
