package io.sqlq.consumer.faults;

import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.AppliedRequest;
import io.sqlq.consumer.BatchListener;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for tests: a {@link BatchListener} that the consumer is built with
 * ({@code ConsumerHandler.builder(config).listener(faults)}, or the local pipeline's options),
 * checking the {@link FaultPoint}s of each step it hears; the production code has no fault
 * checks of its own. Unarmed, every check passes. Armed with {@link #arm}, every
 * {@code every}-th call of a point fails with the point's failure, up to {@code times}
 * failures; with {@link #onNextCall}, the next call of a point runs an action (for example,
 * waits on a latch to pause a batch).
 *
 * <p>Thread-safe: several pollers may share one instance; counting is atomic per point.
 */
public final class Faults implements BatchListener {
  private final Map<FaultPoint, Plan> plans = new EnumMap<>(FaultPoint.class);
  private final Map<FaultPoint, AtomicInteger> fired = new EnumMap<>(FaultPoint.class);
  private volatile boolean armed;

  /** An unarmed instance: every check passes. */
  public Faults() {
    for (FaultPoint point : FaultPoint.values()) {
      fired.put(point, new AtomicInteger());
    }
  }

  /**
   * Fails calls {@code every}, {@code 2 * every}, ... of {@code point}, {@code times} of them in all;
   * replaces any earlier plan for {@code point}.
   *
   * @param every at least 1 (1 fails the next {@code times} calls)
   * @param times at least 1
   * @throws IllegalArgumentException when {@code every} or {@code times} is below 1
   */
  public synchronized void arm(FaultPoint point, int every, int times) {
    if (every < 1 || times < 1) {
      throw new IllegalArgumentException("every and times must be at least 1: every " + every + ", times " + times);
    }
    plans.put(point, new Plan(every, times, null));
    armed = true;
  }

  /** Runs {@code action} at the next call of {@code point}, once, on the calling thread; the call then goes on. */
  public synchronized void onNextCall(FaultPoint point, Runnable action) {
    plans.put(point, new Plan(1, 1, action));
    armed = true;
  }

  @Override
  public void acquired(Lease lease) {
    check(FaultPoint.AFTER_LOCK);
    check(FaultPoint.STORE_FETCH_5XX);
  }

  @Override
  public void fetched(String db, Fetched fetched, long bytes) {
    check(FaultPoint.AFTER_FETCH);
  }

  @Override
  public void requestApplied(String db, AppliedRequest request) {
    check(FaultPoint.MID_APPLY);
  }

  @Override
  public void applied(String db, AppliedBatch batch) {
    check(FaultPoint.AFTER_COMMIT);
    check(FaultPoint.STORE_PUBLISH_5XX);
    check(FaultPoint.STORE_PUBLISH_CONFLICT);
  }

  @Override
  public void published(String db, long version, long bytes) {
    check(FaultPoint.STORE_PUBLISH_TIMEOUT);
    check(FaultPoint.AFTER_PUBLISH);
  }

  @Override
  public void released(String db) {
    check(FaultPoint.AFTER_RELEASE);
  }

  @Override
  public void replied(String db, int messages) {
    check(FaultPoint.AFTER_REPLIES);
  }

  /**
   * Passes, or fails this call as armed.
   *
   * @throws RuntimeException what the point throws ({@link InjectedFaultException} for a crash
   *     point, what S3 would for a store point) when the plan for {@code point} fails this call
   */
  public void check(FaultPoint point) {
    if (armed && fire(point)) {
      throw point.failure(fired.get(point).get());
    }
  }

  /**
   * Whether this call of {@code point} is to fail. Runs the action of {@link #onNextCall} and
   * answers false.
   */
  private boolean fire(FaultPoint point) {
    if (!armed) {
      return false;
    }
    Plan plan;
    synchronized (this) {
      plan = plans.get(point);
      if (plan == null) {
        return false;
      }
      plan.calls++;
      if (plan.calls % plan.every != 0 || plan.fired >= plan.times) {
        return false;
      }
      plan.fired++;
      fired.get(point).incrementAndGet();
      if (plan.action == null) {
        return true;
      }
    }
    plan.action.run();
    return false;
  }

  /** How many times {@code point} has fired (failed a call or run its action). */
  public int fired(FaultPoint point) {
    return fired.get(point).get();
  }

  /** How many faults have fired at all points. */
  public int fired() {
    return fired.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Stops every plan; later checks pass. */
  public synchronized void disarm() {
    plans.clear();
    armed = false;
  }

  private static final class Plan {
    final int every;
    final int times;
    final Runnable action;
    int calls;
    int fired;

    Plan(int every, int times, Runnable action) {
      this.every = every;
      this.times = times;
      this.action = action;
    }
  }
}
