package io.sqlq.consumer;

import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The SQS client of the local pollers when there are several: lets one ReceiveMessage at a time
 * reach the emulator. moto 5.2 decides which FIFO message groups are in flight once, when a
 * receive call starts, and keeps that answer through a long poll (moto/sqs/models.py,
 * {@code receive_message}), so two pollers long-polling at once can both take messages of one
 * message group and apply them out of order; measured: 3 pollers applied a client's bundle
 * after the one it sent next. SQS itself returns no further message of a group while one is in
 * flight (Amazon SQS Developer Guide, "FIFO queue message grouping"). With receives one at a time
 * each receive sees the groups the previous one took. Batches are still applied concurrently;
 * only the receive calls wait for each other (at most the long-poll wait, 1 s locally).
 *
 * <p>Only {@code receiveMessage} and {@code deleteMessageBatch}, which the poller uses, are
 * delegated; share one instance among the pollers of one queue.
 */
public final class SerialReceives implements SqsClient {
  private final SqsClient delegate;
  private final ReentrantLock receiving = new ReentrantLock(true);

  public SerialReceives(SqsClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
    receiving.lock();
    try {
      return delegate.receiveMessage(request);
    } finally {
      receiving.unlock();
    }
  }

  @Override
  public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
    return delegate.deleteMessageBatch(request);
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  /** Leaves the delegate open: its owner closes it. */
  @Override
  public void close() {}
}
