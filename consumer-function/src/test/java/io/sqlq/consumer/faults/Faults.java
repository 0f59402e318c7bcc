package io.sqlq.consumer.faults;

import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.AppliedRequest;
import io.sqlq.consumer.BatchListener;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.store.DatabaseStore.Fetched;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Fault injection for tests: a {@link BatchListener} that the consumer is built with
 * ({@code ConsumerHandler.builder(config).listener(faults)}, or the local pipeline's options),
 * checking the {@link FaultPoint}s of each step it hears, and through {@link #s3Interceptor()} on
 * the consumers' S3 client those inside the store's publish; the production code has no fault
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
  private final ExecutionInterceptor s3Interceptor = new ManifestWrites();
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
   * The interceptor to add to the consumers' S3 client ({@code AwsClients.newS3Client(interceptor)},
   * or the local pipeline's options), the same instance at each call. It acts only on PutObject of a
   * key ending in {@code /manifest.json}: {@link FaultPoint#STORE_BEFORE_MANIFEST} before the call
   * is sent, {@link FaultPoint#STORE_MANIFEST_ANSWER_LOST} after S3 answered it. Every other call
   * (the delta and snapshot uploads, every GET) passes untouched.
   *
   * <p>How the SDK (2.x, sync client, as measured against moto with 2.42) treats what an
   * interceptor throws, and so which hooks these are: {@code beforeExecution} runs once per call,
   * before any attempt, and lets any exception out unwrapped (no request is sent,
   * {@code onExecutionFailure} is not called); {@code afterExecution} runs once per call after the
   * retry loop, so what it throws ends the call as it is. The hooks of each attempt
   * ({@code afterTransmission}, {@code modifyResponse}) run inside the retry loop: a plain
   * {@code SdkClientException} thrown there is not retried by the default strategy but has
   * "(SDK Attempt Count: 1)" appended to its message, and one caused by an {@code IOException} (a
   * real socket read timeout) is retried, and the retried conditional PutObject is refused with
   * 412, which the store sees as {@link io.sqlq.core.store.PublishConflictException}. The lost
   * answer here is the one that escapes every retry: an {@code ApiCallTimeoutException}.
   */
  public ExecutionInterceptor s3Interceptor() {
    return s3Interceptor;
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

  /** The S3 side of the faults: checks the manifest points around a manifest PutObject. */
  private final class ManifestWrites implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (writesManifest(context.request())) {
        check(FaultPoint.STORE_BEFORE_MANIFEST);
        check(FaultPoint.STORE_MANIFEST_REFUSED);
      }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (writesManifest(context.request())) {
        check(FaultPoint.STORE_MANIFEST_ANSWER_LOST);
      }
    }

    private static boolean writesManifest(SdkRequest request) {
      return request instanceof PutObjectRequest put && put.key().endsWith("/manifest.json");
    }
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
