package io.sqlq.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.SqlqException;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.payload.MalformedPointerException;
import io.sqlq.core.payload.PayloadPointer;
import io.sqlq.core.payload.Payloads;
import io.sqlq.core.protocol.MalformedMessageException;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PageDeltaStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The consumer Lambda: one call per batch of SQS records from the FIFO request queue
 * (DESIGN.md, "Consumer: one batch"). Thin by design: it decodes and groups by database
 * (step 1), hands each database to {@link DatabaseBatch} (steps 2 to 6, with
 * {@link BatchApplier} as step 4), sends the replies ({@link ReplySender}, step 7), and reports
 * the failed records as {@code batchItemFailures} (step 8). The event source must enable
 * {@code ReportBatchItemFailures}, or Lambda ignores the partial response and retries the whole
 * batch.
 *
 * <p>Per record: a payload pointer is resolved first ({@link RequestPayloads}; a transient S3
 * failure fails the record, a pointer it must not or cannot follow dead-letters it), then a body
 * that does not decode goes to the dead-letter queue at once (see {@link DeadLetters}) and is
 * reported as done. The payload objects of records that are done are deleted after step 7.
 * Per database: any failure (lock wait budget exhausted, a refused publish, S3 down, a transient
 * reply send failure) reports every record of that database as failed, so SQS redelivers them in
 * order; other databases are unaffected.
 */
public final class ConsumerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger log = LoggerFactory.getLogger(ConsumerHandler.class);
  /** Working copies live here in Lambda: {@code /tmp} is the only writable path. */
  public static final Path LAMBDA_WORK_DIRECTORY = Path.of("/tmp/sqlq");

  private final RequestCodec codec = new RequestCodec();
  private final DatabaseBatch batch;
  private final BatchApplier applier;
  private final ReplySender replies;
  private final DeadLetters deadLetters;
  /** Resolves request payload pointers; null when the consumer has no S3 client (in-memory tests). */
  private final RequestPayloads payloads;
  private final String defaultReplyTo;
  private final Duration lockWaitBudget;
  private final BatchListener listener;

  /**
   * The Lambda entry point: reads {@link SqlqConfig} from the environment and builds the SDK
   * clients once per execution environment (they live as long as it does). It logs one line of
   * metrics per database batch on standard output, which Lambda sends to the function's log
   * group ({@link BatchMetrics#toLog}: CloudWatch Embedded Metric Format, so the figures become
   * metrics without code); the builder's default listener stays {@link BatchListener#NONE}, since
   * the standard output of the local tools and the tests is theirs.
   *
   * @throws io.sqlq.core.ConfigurationException when a variable is missing or invalid
   */
  public ConsumerHandler() {
    this(onAws(SqlqConfig.fromEnvironment(Environment.system())).resolve());
  }

  private static Builder onAws(SqlqConfig config) {
    AwsClients clients = new AwsClients(config);
    return builder(config).aws(clients.newS3Client(), clients.newSqsClient(), clients.newEc2Client())
        .listener(BatchMetrics.toLog(config, System.out));
  }

  private ConsumerHandler(Parts p) {
    this.listener = p.listener();
    this.batch = new DatabaseBatch(p.lock(), p.store(), p.workDirectory(), p.listener());
    boolean offloading = p.s3() != null;
    this.applier = new BatchApplier(BatchApplier.Settings.of(p.config(), offloading), p.clock(), p.listener());
    this.replies = new ReplySender(offloading
        ? Payloads.offloading(p.sqs(), p.s3(), p.config().bucket(), p.config().payloadKeyPrefix()) : p.sqs(),
        new ReplyCodec(), MessageLimits.MAX_BODY_BYTES);
    this.payloads = offloading ? new RequestPayloads(p.s3(), p.config().bucket(), p.config().payloadKeyPrefix()) : null;
    this.deadLetters = new DeadLetters(p.sqs(), p.config().deadLetterQueueUrl(), p.clock());
    this.defaultReplyTo = p.config().replyQueueUrl();
    this.lockWaitBudget = p.config().lockWaitBudget();
  }

  /**
   * What {@link Builder} resolved: every part set, defaults filled in; {@code s3} is null when
   * only in-memory ports were set, and then payloads are not offloaded nor followed.
   */
  private record Parts(SqlqConfig config, SqsClient sqs, S3Client s3, DatabaseLock lock, DatabaseStore store,
      Path workDirectory, Clock clock, BatchListener listener) {}

  /**
   * Starts building the consumer of the stack {@code config} names: the one way to build it, used
   * by the Lambda entry point, the local pipeline and the tests alike. Whatever else is set, the
   * consumer guards requests with {@code config}'s reply queues and statement timeout, and waits
   * for a lock at most {@code config}'s lock wait budget.
   */
  public static Builder builder(SqlqConfig config) {
    return new Builder(config);
  }

  /**
   * Builds a {@link ConsumerHandler}. {@link #aws} (or {@link #sqs}, {@link #lock} and
   * {@link #store} together) must be set; the rest have defaults.
   */
  public static final class Builder {
    private final SqlqConfig config;
    private SqsClient sqs;
    private S3Client s3;
    private Ec2Client ec2;
    private DatabaseLock lock;
    private DatabaseStore store;
    private Path workDirectory = LAMBDA_WORK_DIRECTORY;
    private Clock clock = Clock.systemUTC();
    private BatchListener listener = BatchListener.NONE;

    private Builder(SqlqConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The stack's AWS clients, owned by the caller: replies and dead letters through {@code sqs},
     * the {@link PageDeltaStore} in {@code config}'s bucket and the payload objects under its
     * {@link SqlqConfig#payloadKeyPrefix()} through {@code s3}, the {@link SecurityGroupLock} in
     * {@code config}'s lock VPC with its lease through {@code ec2}. Without {@code s3} (tests with
     * in-memory ports) a reply over one message is answered {@code SQLQ_REPLY_TOO_LARGE} and a
     * request payload pointer is dead-lettered.
     */
    public Builder aws(S3Client s3, SqsClient sqs, Ec2Client ec2) {
      this.s3 = s3;
      this.sqs = sqs;
      this.ec2 = ec2;
      return this;
    }

    /** The SQS client for replies and dead letters, when {@link #aws} is not used (tests with in-memory ports). */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** A lock in place of the Security Group lock: an in-memory twin, or one that counts or breaks (tests). */
    public Builder lock(DatabaseLock lock) {
      this.lock = lock;
      return this;
    }

    /** A store in place of the S3 store: an in-memory twin (tests). */
    public Builder store(DatabaseStore store) {
      this.store = store;
      return this;
    }

    /** Where working copies are kept between batches; default {@link #LAMBDA_WORK_DIRECTORY}. */
    public Builder workDirectory(Path workDirectory) {
      this.workDirectory = workDirectory;
      return this;
    }

    /** The clock of leases, {@code appliedAt} and retention; default the system clock in UTC. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Hears each step of every batch; default {@link BatchListener#NONE} (the Lambda entry point
     * sets {@link BatchMetrics#toLog}). To add metrics to another listener, such as fault
     * injection, pass {@link BatchListener#all}{@code (metrics, faults)}.
     */
    public Builder listener(BatchListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * @throws IllegalStateException when no SQS client, or no lock or store (nor the AWS client
     *     it would be built on) was set
     */
    public ConsumerHandler build() {
      return new ConsumerHandler(resolve());
    }

    private Parts resolve() {
      DatabaseLock theLock = lock != null ? lock
          : ec2 == null ? null : new SecurityGroupLock(ec2, config.lockVpcId(), config.lease(), clock);
      DatabaseStore theStore = store != null ? store : s3 == null ? null : new PageDeltaStore(s3, config.bucket(),
          config.keyPrefix());
      if (sqs == null || theLock == null || theStore == null) {
        throw new IllegalStateException("a consumer needs an SQS client, a lock and a store: set aws(s3, sqs, ec2),"
            + " or sqs, lock and store");
      }
      return new Parts(config, sqs, s3, theLock, theStore, workDirectory, clock, listener);
    }
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<BatchItemFailure> failures = new ArrayList<>();
    Map<String, List<Decoded>> byDatabase = new LinkedHashMap<>();
    for (SQSMessage record : event.getRecords()) {
      decode(record, failures).ifPresent(d -> byDatabase.computeIfAbsent(d.db(), k -> new ArrayList<>()).add(d));
    }
    byDatabase.forEach((db, records) -> {
      if (!process(db, records, lockWaitBudget(lockWaitBudget, context))) {
        records.forEach(r -> failures.add(new BatchItemFailure(r.record().getMessageId())));
      }
    });
    return new SQSBatchResponse(failures);
  }

  private Optional<Decoded> decode(SQSMessage record, List<BatchItemFailure> failures) {
    Map<String, String> attributes = record.getAttributes() == null ? Map.of() : record.getAttributes();
    var context = new MessageContext(record.getMessageId(), attributes.get("MessageGroupId"),
        requestIdAttribute(record), defaultReplyTo);
    RequestPayloads.Read payload;
    try {
      payload = resolve(record);
    } catch (SqlqException e) {
      if (e.retryable()) {
        log.warn("the payload of message {} cannot be read now, it will be redelivered: {}",
            record.getMessageId(), e.getMessage());
        failures.add(new BatchItemFailure(record.getMessageId()));
      } else {
        deadLetter(record, context, e.getMessage(), failures);
      }
      return Optional.empty();
    }
    try {
      List<Request> requests = codec.decodeRequests(payload == null ? record.getBody() : payload.body(), context);
      return Optional.of(new Decoded(record, requests.get(0).db(), requests, payload));
    } catch (RuntimeException e) {
      // Not only MalformedMessageException: a decoder bug must not fail every record of the batch.
      deadLetter(record, context, e instanceof MalformedMessageException ? e.getMessage() : "the decoder failed: " + e,
          failures);
      return Optional.empty();
    }
  }

  /**
   * The payload object a pointer record names, read; null for a record that carries its body.
   *
   * @throws SqlqException not retryable when the pointer is malformed, leads outside the stack's
   *     payload prefix, names a missing or too large object, or this consumer follows no
   *     pointers; retryable when S3 failed transiently
   */
  private RequestPayloads.Read resolve(SQSMessage record) {
    Set<String> names = record.getMessageAttributes() == null ? Set.of() : record.getMessageAttributes().keySet();
    Optional<PayloadPointer> pointer = PayloadPointer.of(record.getBody(), names);
    if (pointer.isEmpty()) {
      return null;
    }
    if (payloads == null) {
      throw new MalformedPointerException("this consumer has no S3 client to read payload pointers with");
    }
    return payloads.read(pointer.get());
  }

  private void deadLetter(SQSMessage record, MessageContext context, String reason, List<BatchItemFailure> failures) {
    log.warn("message {} cannot be applied, moving it to the dead-letter queue: {}", record.getMessageId(), reason);
    try {
      deadLetters.send(record, context, reason);
    } catch (SqlqException dlq) {
      log.error("could not dead-letter message {}: {}", record.getMessageId(), dlq.getMessage());
      failures.add(new BatchItemFailure(record.getMessageId()));
    }
  }

  /** Returns whether the database's records are done (applied, published and answered). */
  private boolean process(String db, List<Decoded> records, Duration budget) {
    List<Request> requests = records.stream().flatMap(r -> r.requests().stream()).toList();
    try {
      listener.received(db, records.size(), requests.size());
      AppliedBatch applied = batch.run(db, budget, connection -> applier.apply(connection, requests));
      int messages = replies.send(db, applied.requests());
      listener.replied(db, messages);
      records.stream().filter(r -> r.payload() != null).forEach(r -> payloads.delete(r.payload()));
      log.info("database {} version {}: {} requests from {} messages, {} reply messages",
          db, applied.version(), requests.size(), records.size(), messages);
      return true;
    } catch (SqlqException e) {
      log.warn("database {}: {} records failed, {}: {}", db, records.size(),
          e.retryable() ? "will be redelivered" : "not retryable, will reach the dead-letter queue", e.getMessage());
      tellFailed(db, e);
      return false;
    } catch (RuntimeException e) {
      log.error("database {}: {} records failed on an unexpected error", db, records.size(), e);
      tellFailed(db, e);
      return false;
    }
  }

  /** Tells the listener that {@code db}'s batch failed; the records fail either way, so a throw is only logged. */
  private void tellFailed(String db, RuntimeException failure) {
    try {
      listener.failed(db, failure);
    } catch (RuntimeException e) {
      log.warn("the batch listener failed on the failure of database {}: {}", db, e.toString());
    }
  }

  /**
   * How long one database may wait for its lock: the configured budget ({@code SQLQ_LOCK_WAIT_MS},
   * default 20,000 ms), but at most half of the time the invocation has left
   * ({@link Context#getRemainingTimeInMillis()}), taken when that database's turn comes.
   *
   * <p>Why half: the wait and the work after it (fetch, apply, publish, replies) share what is
   * left, and the work is never shorter for having waited, so the wait may take no more than the
   * work keeps. A batch that got its lock late and then ran into the function timeout would be
   * killed holding the lock: its records would come back only after the visibility timeout, and
   * its database would stay locked until the reaper (lease plus grace). Failing the records at
   * the end of the budget instead sends them back at once. Why per database: the databases of
   * one event run one after another, so each gets half of what the ones before it left.
   *
   * @param context the invocation, or null outside Lambda (then the configured budget applies)
   */
  static Duration lockWaitBudget(Duration configured, Context context) {
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

  /** A decoded record; {@code payload} is the object its pointer named, null when it carried its body. */
  private record Decoded(SQSMessage record, String db, List<Request> requests, RequestPayloads.Read payload) {}
}
