package io.sqlq.consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** An SQS client that accepts every SendMessage and keeps it; thread-safe. */
final class SentMessages implements SqsClient {
  private final List<SendMessageRequest> sent = Collections.synchronizedList(new ArrayList<>());

  @Override
  public SendMessageResponse sendMessage(SendMessageRequest request) {
    sent.add(request);
    return SendMessageResponse.builder().messageId("sent-" + sent.size()).build();
  }

  /** Everything sent so far, in order. */
  List<SendMessageRequest> all() {
    return List.copyOf(sent);
  }

  void clear() {
    sent.clear();
  }

  @Override
  public String serviceName() {
    return "sqs";
  }

  @Override
  public void close() {}
}
