package io.sqlq.it;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.sqlq.consumer.ConsumerHandler;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Run in a fresh JVM on the Lambda jar alone ({@code java -cp sqlq-consumer.jar:test-classes}) by
 * {@link ColdStartIT}: builds the handler from the environment as Lambda does, hands it one
 * {@code SQSEvent}, then a second, and prints the milliseconds from JVM start to each point and
 * the classes loaded. Exit code 0 when both events were handled without a batch item failure.
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAt = System.currentTimeMillis() - jvmStart;
    var handler = new ConsumerHandler();
    long constructedAt = System.currentTimeMillis() - jvmStart;
    SQSBatchResponse first = handler.handleRequest(event(args[0], "CREATE TABLE cold(a)"), null);
    long firstAt = System.currentTimeMillis() - jvmStart;
    long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    SQSBatchResponse second = handler.handleRequest(event(args[0], "INSERT INTO cold VALUES (1)"), null);
    long secondMs = System.currentTimeMillis() - jvmStart - firstAt;
    System.out.printf("cold start: main at %d ms, handler built at %d ms, first event handled at %d ms after JVM "
            + "start (%d classes loaded); second event %d ms%n", mainAt, constructedAt, firstAt, classes, secondMs);
    System.exit(first.getBatchItemFailures().isEmpty() && second.getBatchItemFailures().isEmpty() ? 0 : 1);
  }

  private static SQSEvent event(String db, String sql) {
    var message = new SQSEvent.SQSMessage();
    message.setMessageId(UUID.randomUUID().toString());
    message.setBody("{\"sql\":\"" + sql + "\"}");
    message.setAttributes(Map.of("MessageGroupId", db));
    var event = new SQSEvent();
    event.setRecords(List.of(message));
    return event;
  }
}
