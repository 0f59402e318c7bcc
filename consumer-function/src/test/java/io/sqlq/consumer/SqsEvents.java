package io.sqlq.consumer;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.List;
import java.util.Map;

/** SQS events as Lambda hands them to the handler, for tests. */
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
}
