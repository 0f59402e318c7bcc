package io.sqlq.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

/** SQS events, and the invocation context, as Lambda hands them to the handler, for tests. */
final class SqsEvents {
  private SqsEvents() {}

  static SQSEvent event(SQSEvent.SQSMessage... records) {
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(records));
    return event;
  }

  /** A record of message group {@code group} without message attributes. */
  static SQSEvent.SQSMessage record(String messageId, String group, String body) {
    SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
    m.setMessageId(messageId);
    m.setBody(body);
    m.setAttributes(Map.of("MessageGroupId", group));
    m.setMessageAttributes(Map.of());
    return m;
  }

  /**
   * An invocation context that has {@code remainingMs} left, fixed; every other method of
   * {@link Context} fails, since the handler reads only the remaining time.
   */
  static Context context(int remainingMs) {
    return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getRemainingTimeInMillis")) {
            return remainingMs;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }
}
