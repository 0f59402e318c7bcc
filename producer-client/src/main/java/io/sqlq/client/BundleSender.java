package io.sqlq.client;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.protocol.Sequence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Coalesces submitted requests into per-database bundles and sends them, one SendMessage per
 * bundle, from a single thread ({@code sqlq-sender}).
 *
 * <p>A database has at most one open bundle. It is sealed when it holds
 * {@code maxBundleRequests} requests, when the next request would take its body above
 * {@code maxBundleBytes}, when its first request has waited {@code linger} (on the client's
 * clock), or at close. A request that alone takes more than {@code maxBundleBytes} (possible
 * only when the client offloads bodies to S3, up to {@code maxRequestBytes}) seals its
 * database's open bundle and travels in a bundle of its own, which the SQS client sends as a
 * payload pointer. Sealed bundles are sent in the order they were sealed, one at a time,
 * so a database's requests reach the queue in submit order: the per-database order invariant
 * (DESIGN.md, "Invariants: Order").
 *
 * <p>Sizes are exact: each request is encoded once, at submit, with
 * {@link RequestCodec#encodeBundleElement}; a body is {@link MessageSizes#requestBundleOverheadBytes} plus
 * its elements plus one comma between each, as {@link RequestCodec#joinBundle} builds it.
 *
 * <p>Each request is numbered when it is queued here, under the same lock that orders the
 * bundles: the client's producer id and the next sequence number of its database (1, 2, 3, ...),
 * so a database's numbers rise in the order its requests reach the queue, and a submit refused
 * before it was queued uses no number (DESIGN.md, "Exactly-once state").
 *
 * <p>A send that fails after the SDK's own retries fails the futures of that bundle's
 * requests with {@link AwsCallFailedException}; later bundles are still sent.
 */
final class BundleSender implements AutoCloseable {
  /** How long close waits for the sender thread after interrupting it. */
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(BundleSender.class);

  /**
   * A request encoded as a bundle element: without its sequence until {@link #add} numbers it.
   *
   * @param bytes the element's length in UTF-8 bytes
   * @param alone whether it takes more than {@code maxBundleBytes} and so travels alone (counted
   *     with the longest sequence a request of this client can get)
   */
  record Encoded(String requestId, String database, String element, int bytes, boolean alone) {}

  /**
   * A sealed bundle, never changed again. Its id, the SQS MessageDeduplicationId, is the id of
   * its first request: every request travels in exactly one bundle, so no two bundles share
   * it; it fits the 128-character limit; and a lone request is deduplicated by its own id, as
   * DESIGN.md says. Because the bundle is immutable once built, an SDK retry of the
   * SendMessage resends the same body with the same id, and SQS FIFO drops the copy if the
   * first attempt did arrive.
   */
  private record Bundle(String database, List<Encoded> requests) {
    String id() {
      return requests.get(0).requestId();
    }
  }

  /** A bundle still taking requests; guarded by {@link #lock}. */
  private static final class OpenBundle {
    private final Instant openedAt;
    private final List<Encoded> requests = new ArrayList<>();
    private int bodyBytes;

    OpenBundle(Instant openedAt, int overheadBytes) {
      this.openedAt = openedAt;
      this.bodyBytes = overheadBytes;
    }

    /** Body bytes with {@code request} appended: one comma before every element but the first. */
    int bytesWith(Encoded request) {
      return bodyBytes + (requests.isEmpty() ? 0 : 1) + request.bytes();
    }

    void add(Encoded request) {
      bodyBytes = bytesWith(request);
      requests.add(request);
    }
  }

  private final ClientSettings settings;
  private final RequestCodec codec;
  private final PendingReplies pending;
  private final int overheadBytes;
  private final String producer;
  /** What {@link RequestCodec#withSequence} adds at most: this producer and the largest number. */
  private final int maxSequenceBytes;
  private final Thread thread;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Open bundles by database, in the order they were opened; guarded by {@link #lock}. */
  private final Map<String, OpenBundle> open = new LinkedHashMap<>();
  /** Sealed bundles not yet taken by the sender thread, oldest first; guarded by {@link #lock}. */
  private final ArrayDeque<Bundle> sealed = new ArrayDeque<>();
  /** The last sequence number given per database; guarded by {@link #lock}. */
  private final Map<String, Long> sequences = new HashMap<>();
  /** Set by close; guarded by {@link #lock}. */
  private boolean closing;

  /**
   * @param producer this client's producer id, 1 to {@value Sequence#MAX_PRODUCER_LENGTH}
   *     characters, new for each client (a random UUID)
   */
  BundleSender(ClientSettings settings, RequestCodec codec, PendingReplies pending, String producer) {
    this.settings = settings;
    this.codec = codec;
    this.pending = pending;
    this.producer = producer;
    this.maxSequenceBytes = RequestCodec.sequenceBytes(new Sequence(producer, Long.MAX_VALUE));
    this.overheadBytes = MessageSizes.requestBundleOverheadBytes(settings.replyQueueUrl());
    this.thread = Thread.ofPlatform().daemon().name("sqlq-sender").unstarted(this::run);
  }

  /** Starts the sender thread. */
  void start() {
    thread.start();
  }

  /**
   * Encodes {@code request} as a bundle element, on the caller's thread.
   *
   * @throws RequestTooLargeException when a bundle holding only this request would exceed
   *     {@code maxRequestBytes}
   */
  Encoded encode(Request request) {
    String element = codec.encodeBundleElement(request, settings.replyQueueUrl());
    int bytes = MessageSizes.utf8Length(element) + maxSequenceBytes;
    if (overheadBytes + bytes > settings.maxRequestBytes()) {
      throw new RequestTooLargeException(request.id(), request.db(), overheadBytes + bytes, settings.maxRequestBytes());
    }
    return new Encoded(request.id(), request.db(), element, bytes - maxSequenceBytes,
        overheadBytes + bytes > settings.maxBundleBytes());
  }

  /**
   * Numbers {@code encoded} with its database's next sequence number and appends it to its
   * database's open bundle.
   *
   * @return false, adding nothing and using no number, once close has begun
   */
  boolean add(Encoded encoded) {
    lock.lock();
    try {
      if (closing) {
        return false;
      }
      Encoded request = numbered(encoded);
      OpenBundle bundle = open.get(request.database());
      if (request.alone()) {
        if (bundle != null) {
          seal(request.database());
        }
        sealed.add(new Bundle(request.database(), List.of(request)));
        changed.signal();
        return true;
      }
      if (bundle != null && bundle.bytesWith(request) > settings.maxBundleBytes()) {
        seal(request.database());
        bundle = null;
      }
      if (bundle == null) {
        bundle = new OpenBundle(settings.clock().instant(), overheadBytes);
        open.put(request.database(), bundle);
        changed.signal();
      }
      bundle.add(request);
      if (bundle.requests.size() == settings.maxBundleRequests()) {
        seal(request.database());
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** {@code encoded} with the next sequence number of its database; call holding {@link #lock}. */
  private Encoded numbered(Encoded encoded) {
    Sequence sequence = new Sequence(producer, sequences.merge(encoded.database(), 1L, Long::sum));
    return new Encoded(encoded.requestId(), encoded.database(), codec.withSequence(encoded.element(), sequence),
        encoded.bytes() + RequestCodec.sequenceBytes(sequence), encoded.alone());
  }

  /**
   * Stops taking requests, seals and sends every open bundle, and waits for the sender thread
   * up to {@code requestTimeout}. If it is still sending then, it is interrupted; requests it
   * did not send fail with {@link ClientClosedException}.
   */
  @Override
  public void close() {
    Duration max = settings.requestTimeout();
    lock.lock();
    try {
      closing = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(max);
      if (thread.isAlive()) {
        log.warn("sender still busy {} ms after close; interrupting it", max.toMillis());
        thread.interrupt();
        thread.join(INTERRUPT_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      for (List<Bundle> bundles = awaitSealed(); !bundles.isEmpty(); bundles = awaitSealed()) {
        bundles.forEach(this::send);
      }
    } catch (InterruptedException e) {
      log.warn("sender interrupted; failing the requests it has not sent");
    } finally {
      failUnsent();
    }
  }

  /**
   * Blocks until bundles are sealed and takes them, oldest first; returns an empty list once
   * close has begun and everything is taken.
   */
  private List<Bundle> awaitSealed() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        sealDue();
        if (!sealed.isEmpty()) {
          List<Bundle> out = new ArrayList<>(sealed);
          sealed.clear();
          return out;
        }
        if (closing) {
          return List.of();
        }
        if (open.isEmpty()) {
          changed.await();
        } else {
          changed.awaitNanos(untilOldestDue().toNanos());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Seals every open bundle whose linger has passed, or all of them once closing. */
  private void sealDue() {
    Instant now = settings.clock().instant();
    for (Iterator<Map.Entry<String, OpenBundle>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, OpenBundle> entry = it.next();
      if (closing || !now.isBefore(entry.getValue().openedAt.plus(settings.linger()))) {
        it.remove();
        sealed.add(new Bundle(entry.getKey(), List.copyOf(entry.getValue().requests)));
      }
    }
  }

  /**
   * Time until the oldest open bundle's linger passes, at most {@code linger} so that a clock
   * that jumps (an injected test clock) is read again soon.
   */
  private Duration untilOldestDue() {
    Instant due = open.values().iterator().next().openedAt.plus(settings.linger());
    Duration left = Duration.between(settings.clock().instant(), due);
    return left.compareTo(settings.linger()) > 0 ? settings.linger() : left;
  }

  private void seal(String database) {
    sealed.add(new Bundle(database, List.copyOf(open.remove(database).requests)));
    changed.signal();
  }

  private void send(Bundle bundle) {
    List<String> elements = bundle.requests().stream().map(Encoded::element).toList();
    String body = codec.joinBundle(settings.replyQueueUrl(), elements);
    try {
      settings.sqs().sendMessage(b -> b.queueUrl(settings.requestQueueUrl())
          .messageBody(body)
          .messageGroupId(bundle.database())
          .messageDeduplicationId(bundle.id()));
      log.debug("sent bundle {} of {} requests to database '{}'", bundle.id(), elements.size(), bundle.database());
    } catch (SdkException e) {
      fail(bundle, AwsCallFailedException.of("SQS SendMessage to " + settings.requestQueueUrl()
          + " group " + bundle.database(), e));
    } catch (RuntimeException e) {
      fail(bundle, e);
    }
  }

  private void fail(Bundle bundle, RuntimeException error) {
    log.warn("bundle {} of {} requests to database '{}' was not sent: {}",
        bundle.id(), bundle.requests().size(), bundle.database(), error.toString());
    bundle.requests().forEach(r -> pending.fail(r.requestId(), error));
  }

  private void failUnsent() {
    List<Encoded> unsent = new ArrayList<>();
    lock.lock();
    try {
      closing = true;
      sealed.forEach(b -> unsent.addAll(b.requests()));
      open.values().forEach(b -> unsent.addAll(b.requests));
      sealed.clear();
      open.clear();
    } finally {
      lock.unlock();
    }
    unsent.forEach(r -> pending.fail(r.requestId(),
        new ClientClosedException("client closed before request " + r.requestId() + " was sent")));
  }
}
