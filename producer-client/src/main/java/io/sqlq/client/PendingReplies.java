package io.sqlq.client;

import io.sqlq.core.protocol.Reply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests that await a reply: request id to future, with the in-flight bound (and how
 * long a submit waits for a slot) and the request timeout. Thread-safe: submitters register, the sender fails, the reply listener
 * completes, and a timer thread ({@code sqlq-timeouts}) expires, all at once.
 *
 * <p>Every way out of the map (reply, failure, timeout, close) removes the entry and frees its
 * in-flight slot before it completes the future, so a caller's callback that submits again
 * finds the slot free. A request id leaves the map exactly once; a second reply for it finds
 * nothing and is reported as unknown.
 */
final class PendingReplies implements AutoCloseable {
  /**
   * How often deadlines are checked: a timeout fires up to this late, and a submit waiting for
   * a slot reads the clock at least this often. 50 ms, the default linger, is far below any
   * useful request timeout.
   */
  static final Duration CHECK_PERIOD = Duration.ofMillis(50);

  private static final Logger log = LoggerFactory.getLogger(PendingReplies.class);

  private record Entry(String database, CompletableFuture<Reply> future, Instant deadline) {}

  private final ConcurrentHashMap<String, Entry> outstanding = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private final int maxInFlight;
  private final Duration maxBlock;
  private final Duration timeout;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("sqlq-timeouts").factory());

  /**
   * @param maxInFlight how many requests may await a reply at once, at least 1
   * @param maxBlock how long {@link #register} waits for a slot, at least 0, measured on
   *     {@code clock}
   * @param timeout how long after {@link #register} a request fails with
   *     {@link SqlqTimeoutException}, measured on {@code clock}
   */
  PendingReplies(int maxInFlight, Duration maxBlock, Duration timeout, Clock clock) {
    this.slots = new Semaphore(maxInFlight);
    this.maxInFlight = maxInFlight;
    this.maxBlock = maxBlock;
    this.timeout = timeout;
    this.clock = clock;
    timer.scheduleWithFixedDelay(this::expire, CHECK_PERIOD.toMillis(), CHECK_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The in-flight bound this map enforces. */
  int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Takes an in-flight slot, blocking up to {@code maxBlock} while all are taken, and returns
   * the future that the reply to {@code requestId} will complete; its deadline starts now.
   *
   * @throws InFlightLimitException when no slot freed within {@code maxBlock}
   * @throws InterruptedException when interrupted while all slots are taken (a free slot is
   *     taken even by an interrupted thread)
   * @throws IllegalStateException when {@code requestId} already awaits a reply
   */
  CompletableFuture<Reply> register(String requestId, String database) throws InterruptedException {
    takeSlot(database);
    Entry entry = new Entry(database, new CompletableFuture<>(), clock.instant().plus(timeout));
    if (outstanding.putIfAbsent(requestId, entry) != null) {
      slots.release();
      throw new IllegalStateException("request id '" + requestId
          + "' already awaits a reply: the client's id supplier must return unique ids");
    }
    return entry.future();
  }

  /**
   * Takes a slot, waiting up to {@code maxBlock} on the clock. Waits in steps of at most
   * {@link #CHECK_PERIOD}, so that a clock that jumps (an injected test clock) is read again soon.
   */
  private void takeSlot(String database) throws InterruptedException {
    if (slots.tryAcquire()) {
      return;
    }
    Instant start = clock.instant();
    Instant deadline = start.plus(maxBlock);
    Instant now = start;
    while (now.isBefore(deadline)) {
      Duration left = Duration.between(now, deadline);
      if (slots.tryAcquire((left.compareTo(CHECK_PERIOD) < 0 ? left : CHECK_PERIOD).toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
      now = clock.instant();
    }
    throw new InFlightLimitException(database, maxInFlight, Duration.between(start, now).toMillis());
  }

  /**
   * Completes the future of {@code reply.id()} with {@code reply}.
   *
   * @return false when no request with that id awaits a reply (unknown, answered, failed or
   *     timed out)
   */
  boolean complete(Reply reply) {
    Entry entry = take(reply.id());
    return entry != null && entry.future().complete(reply);
  }

  /** Fails the future of {@code requestId} with {@code error}, if it still awaits a reply. */
  void fail(String requestId, Throwable error) {
    Entry entry = take(requestId);
    if (entry != null) {
      entry.future().completeExceptionally(error);
    }
  }

  /**
   * Waits until no request awaits a reply, at most {@code max}; returns early when
   * interrupted, with the interrupt status set.
   */
  void awaitAll(Duration max) {
    CompletableFuture<?>[] futures =
        outstanding.values().stream().map(Entry::future).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(futures).get(max.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // a failed future is an answer too; one still open after max is failed by close()
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails every request awaiting a reply now with the error {@code errorFor} gives for its id. */
  void failAll(Function<String, ? extends Throwable> errorFor) {
    outstanding.keySet().forEach(id -> fail(id, errorFor.apply(id)));
  }

  /** Stops the timer and fails every request still awaiting a reply with {@link ClientClosedException}. */
  @Override
  public void close() {
    timer.shutdownNow();
    failAll(id -> new ClientClosedException("client closed before request " + id + " got a reply; it may still be applied"));
  }

  /** Removes and returns the entry of {@code requestId}, freeing its slot; null when absent. */
  private Entry take(String requestId) {
    Entry entry = outstanding.get(requestId);
    return entry != null && take(requestId, entry) ? entry : null;
  }

  /** Removes {@code entry} if it is still the one of {@code requestId}, freeing its slot. */
  private boolean take(String requestId, Entry entry) {
    if (!outstanding.remove(requestId, entry)) {
      return false;
    }
    slots.release();
    return true;
  }

  private void expire() {
    try {
      Instant now = clock.instant();
      outstanding.forEach((id, entry) -> {
        if (!now.isBefore(entry.deadline()) && take(id, entry)) {
          entry.future().completeExceptionally(new SqlqTimeoutException(id, entry.database(), timeout));
        }
      });
    } catch (RuntimeException e) {
      log.error("checking request deadlines failed; will check again in {} ms", CHECK_PERIOD.toMillis(), e);
    }
  }
}
