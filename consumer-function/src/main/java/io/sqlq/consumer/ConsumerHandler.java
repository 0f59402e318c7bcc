package io.sqlq.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.sqlq.core.SqlqException;
import io.sqlq.core.protocol.MalformedMessageException;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer Lambda: one call per batch of SQS records from the FIFO request queue
 * (DESIGN.md, "Consumer: one batch"). Thin by design: it decodes, groups by database, hands
 * each database to {@link DatabaseBatch}, sends the replies, and maps outcomes to
 * {@code batchItemFailures}. The event source must enable {@code ReportBatchItemFailures},
 * or Lambda ignores the partial response and retries the whole batch.
 *
 * <p>Per record: a body that does not decode goes to the dead-letter queue at once (see
 * {@link DeadLetters}) and is reported as done. Per database: any failure (lock wait budget
 * exhausted, a refused publish, S3 down, a transient reply send failure) reports every record
 * of that database as failed, so SQS redelivers them in order; other databases are unaffected.
 */
public final class ConsumerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger log = LoggerFactory.getLogger(ConsumerHandler.class);

  private final ConsumerComponents components;

  /** The Lambda entry point: reads {@link io.sqlq.core.SqlqConfig} from the environment once. */
  public ConsumerHandler() {
    this(ConsumerComponents.fromEnvironment(System.getenv()));
  }

  public ConsumerHandler(ConsumerComponents components) {
    this.components = components;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<BatchItemFailure> failures = new ArrayList<>();
    Map<String, List<Decoded>> byDatabase = new LinkedHashMap<>();
    for (SQSMessage record : event.getRecords()) {
      decode(record, failures).ifPresent(d -> byDatabase.computeIfAbsent(d.db(), k -> new ArrayList<>()).add(d));
    }
    Duration budget = lockWaitBudget(context);
    byDatabase.forEach((db, records) -> {
      if (!process(db, records, budget)) {
        records.forEach(r -> failures.add(new BatchItemFailure(r.record().getMessageId())));
      }
    });
    return new SQSBatchResponse(failures);
  }

  private Optional<Decoded> decode(SQSMessage record, List<BatchItemFailure> failures) {
    Map<String, String> attributes = record.getAttributes() == null ? Map.of() : record.getAttributes();
    var context = new MessageContext(record.getMessageId(), attributes.get("MessageGroupId"),
        requestIdAttribute(record), components.defaultReplyTo());
    try {
      List<Request> requests = components.codec().decodeRequests(record.getBody(), context);
      return Optional.of(new Decoded(record, requests.get(0).db(), requests));
    } catch (RuntimeException e) {
      // Not only MalformedMessageException: a decoder bug must not fail every record of the batch.
      String reason = e instanceof MalformedMessageException ? e.getMessage() : "the decoder failed: " + e;
      log.warn("message {} does not decode, moving it to the dead-letter queue: {}", record.getMessageId(), reason);
      try {
        components.deadLetters().send(record, context, reason);
      } catch (SqlqException dlq) {
        log.error("could not dead-letter message {}: {}", record.getMessageId(), dlq.getMessage());
        failures.add(new BatchItemFailure(record.getMessageId()));
      }
      return Optional.empty();
    }
  }

  /** Returns whether the database's records are done (applied, published and answered). */
  private boolean process(String db, List<Decoded> records, Duration budget) {
    List<Request> requests = records.stream().flatMap(r -> r.requests().stream()).toList();
    try {
      AppliedBatch batch = components.batch().run(db, requests, budget);
      components.faults().check(FaultPoint.AFTER_RELEASE);
      int messages = components.replies().send(db, batch.requests());
      log.info("database {} version {}: {} requests from {} messages, {} reply messages",
          db, batch.version(), requests.size(), records.size(), messages);
      return true;
    } catch (SqlqException e) {
      log.warn("database {}: {} records failed, {}: {}", db, records.size(),
          e.retryable() ? "will be redelivered" : "not retryable, will reach the dead-letter queue", e.getMessage());
      return false;
    } catch (RuntimeException e) {
      log.error("database {}: {} records failed on an unexpected error", db, records.size(), e);
      return false;
    }
  }

  /** The configured wait budget, but at most half of the time this invocation has left. */
  private Duration lockWaitBudget(Context context) {
    Duration configured = components.lockWaitBudget();
    if (context == null) {
      return configured;
    }
    Duration half = Duration.ofMillis(Math.max(0, context.getRemainingTimeInMillis()) / 2);
    return half.compareTo(configured) < 0 ? half : configured;
  }

  private static String requestIdAttribute(SQSMessage record) {
    var attribute = record.getMessageAttributes() == null ? null
        : record.getMessageAttributes().get(MessageContext.REQUEST_ID_ATTRIBUTE);
    return attribute == null ? null : attribute.getStringValue();
  }

  private record Decoded(SQSMessage record, String db, List<Request> requests) {}
}
