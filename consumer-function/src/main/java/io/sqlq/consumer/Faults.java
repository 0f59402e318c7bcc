package io.sqlq.consumer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for tests, compiled into the product and off unless a test arms it. The
 * consumer calls {@link #check(FaultPoint)} at each {@link FaultPoint}; unarmed, that is one
 * volatile read. Armed with {@link #arm}, every {@code every}-th call of a point fails with
 * {@link InjectedFaultException}, up to {@code times} failures; with {@link #onNextCall}, the next
 * call of a point runs an action (for example, waits on a latch to pause a batch).
 *
 * <p>Thread-safe: several pollers may share one instance; counting is atomic per point.
 */
public final class Faults {
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

  /**
   * Passes, or fails this call as armed.
   *
   * @throws InjectedFaultException when the plan for {@code point} fails this call
   */
  public void check(FaultPoint point) {
    if (armed && fire(point)) {
      throw new InjectedFaultException(point, fired.get(point).get());
    }
  }

  /**
   * Whether this call of {@code point} is to fail; the caller throws what the point stands for
   * (a store fault throws what S3 would). Runs the action of {@link #onNextCall} and answers false.
   */
  public boolean fire(FaultPoint point) {
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
