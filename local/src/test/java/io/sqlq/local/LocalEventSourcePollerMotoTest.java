package io.sqlq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The local event-source poller against moto: what it does to the visibility of a batch's records. */
class LocalEventSourcePollerMotoTest {
  /** The queue's visibility timeout: 4,000 ms, so the poller extends it every 2,000 ms. */
  private static final Duration VISIBILITY = Duration.ofSeconds(4);
  private static MotoFixture moto;

  @BeforeAll
  static void start() {
    moto = MotoFixture.start();
  }

  @AfterAll
  static void stop() {
    moto.close();
  }

  /**
   * A batch that runs past its records' visibility timeout keeps them: the poller extends the
   * timeout at every half of it, so another receiver finds nothing in flight to take, and the
   * record is handled once and then deleted. Without the extension the record would be visible
   * again 4 s after its receipt, and the receive at 6 s would take it (the margin: an extension
   * would have to come 2 s late for this test to fail wrongly).
   */
  @Test
  void aBatchThatOutlivesTheVisibilityTimeoutKeepsItsRecordsInvisibleAndIsHandledOnce() throws Exception {
    String queue = moto.sqs().createQueue(b -> b.queueName("extend.fifo").attributes(Map.of(
        QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true",
        QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(VISIBILITY.toSeconds())))).queueUrl();
    moto.sqs().sendMessage(b -> b.queueUrl(queue).messageGroupId("g").messageBody("slow"));
    AtomicInteger invocations = new AtomicInteger();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    var poller = new LocalEventSourcePoller(moto.sqs(), queue, (event, context) -> {
      invocations.incrementAndGet();
      running.countDown();
      await(finish);
      return new SQSBatchResponse(List.of());
    }, Duration.ofSeconds(30), Duration.ofSeconds(1), Clock.systemUTC());
    try {
      poller.start();
      assertThat(running.await(30, TimeUnit.SECONDS)).as("the batch started").isTrue();
      Thread.sleep(VISIBILITY.multipliedBy(3).dividedBy(2).toMillis());

      var taken = moto.sqs().receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(0)).messages();
      finish.countDown();
      for (int i = 0; i < 300 && poller.batches() == 0; i++) {
        Thread.sleep(100);
      }

      assertThat(taken).as("records of the running batch taken by another receiver").isEmpty();
      assertThat(poller.batches()).isEqualTo(1);
      assertThat(moto.sqs().receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages())
          .as("the record was deleted after the batch").isEmpty();
      assertThat(invocations.get()).isEqualTo(1);
    } finally {
      finish.countDown();
      poller.close();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
