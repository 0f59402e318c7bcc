package io.sqlq.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS client of the local pollers: lets one ReceiveMessage at a time reach the emulator.
 * moto 5.2 decides which FIFO message groups are in flight once, when a receive call starts, and
 * keeps that answer through a long poll (moto/sqs/models.py, {@code receive_message}), so two
 * pollers long-polling at once can both take messages of one message group and apply them out of
 * order; seen in ContentionIT: with 3 pollers a client's bundle was applied after the one it sent
 * next. SQS itself returns no further message of a group while one is in flight (Amazon SQS
 * Developer Guide, "FIFO queue message grouping"). With receives one at a time each receive sees
 * the groups the previous one took. Batches are still applied concurrently; only the receive
 * calls wait for each other (at most one long-poll wait each, 1 s locally).
 */
public final class SerialReceives {
  private SerialReceives() {}

  /**
   * A client that passes every call to {@code delegate}, holding one lock, shared by all calls
   * of the returned client, around each {@code receiveMessage}. Share one among the pollers of
   * a queue; closing it leaves {@code delegate} open.
   */
  public static SqsClient of(SqsClient delegate) {
    ReentrantLock receiving = new ReentrantLock(true);
    return (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null;
          }
          boolean receive = method.getName().equals("receiveMessage");
          if (receive) {
            receiving.lock();
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (receive) {
              receiving.unlock();
            }
          }
        });
  }
}
