package io.sqlq.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

class SerialReceivesTest {
  @Test
  void receivesFromSeveralThreadsReachTheDelegateOneAtATimeAndOtherCallsPassStraightThrough() throws Exception {
    var slow = new SlowSqs();
    SqsClient shared = SerialReceives.of(slow);
    Thread[] pollers = new Thread[3];
    for (int i = 0; i < pollers.length; i++) {
      pollers[i] = Thread.ofPlatform().start(() -> shared.receiveMessage(b -> b.queueUrl("q")));
    }
    Thread.sleep(50);
    shared.getQueueAttributes(b -> b.queueUrl("q"));
    int concurrentWhileReceiving = slow.maxConcurrent.get();
    for (Thread t : pollers) {
      t.join();
    }
    shared.close();

    assertThat(slow.receives.get()).isEqualTo(3);
    assertThat(slow.maxConcurrent.get()).as("receives in the delegate at once").isEqualTo(1);
    assertThat(concurrentWhileReceiving).isEqualTo(1);
    assertThat(slow.attributeCalls.get()).as("not held back by the receives").isEqualTo(1);
    assertThat(slow.closed).isFalse();
  }

  /** Each receive takes 150 ms; counts how many run at once. */
  private static final class SlowSqs implements SqsClient {
    final AtomicInteger receives = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final AtomicInteger attributeCalls = new AtomicInteger();
    boolean closed;

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
      maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      receives.incrementAndGet();
      return ReceiveMessageResponse.builder().build();
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
      attributeCalls.incrementAndGet();
      return GetQueueAttributesResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "sqs";
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
