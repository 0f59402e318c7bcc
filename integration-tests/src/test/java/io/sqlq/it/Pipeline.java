package io.sqlq.it;

import io.sqlq.client.DeadLetterQueue;
import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.faults.Faults;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalPipeline;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A JUnit extension giving a test class a local pipeline on emulators of its own (started
 * before the class, stopped after it): {@code LocalEmulators}, or LocalStack under
 * {@code -P localstack} ({@link LocalStackEmulator}), with helpers to make clients on their own
 * reply queues and to read a published database. Register it as
 * {@code @RegisterExtension static final Pipeline pipeline = new Pipeline(1);}.
 */
final class Pipeline implements BeforeAllCallback, AfterAllCallback {
  private final LocalPipeline.Options.Builder options;
  /**
   * The faults every consumer of this pipeline hears its batches and its S3 calls with; unarmed
   * until a test arms them.
   */
  final Faults faults = new Faults();
  LocalPipeline local;
  SqsClient sqs;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private LocalStackEmulator localStack;

  /** A pipeline with {@code pollers} consumer pollers. */
  Pipeline(int pollers) {
    this(LocalPipeline.options("sqlq").pollers(pollers));
  }

  /**
   * A pipeline with {@code pollers} pollers and a short visibility timeout, so that records a
   * test fails on purpose come back within {@code visibilityTimeout}.
   */
  Pipeline(int pollers, Duration functionTimeout, Duration visibilityTimeout) {
    this(LocalPipeline.options("sqlq").pollers(pollers).timeouts(functionTimeout, visibilityTimeout));
  }

  /**
   * A pipeline with these options (pollers, timeouts); its listener is {@link #faults}, and so is
   * an interceptor on its consumers' S3 client ({@link Faults#s3Interceptor()}).
   */
  Pipeline(LocalPipeline.Options.Builder options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (LocalStackEmulator.selected()) {
      localStack = LocalStackEmulator.start();
      options.endpoints(localStack.endpoints());
    }
    local = LocalPipeline.start(options.listener(faults).consumerS3Interceptor(faults.s3Interceptor()).build());
    sqs = local.sqs();
  }

  /**
   * A client reading a reply queue of its own (two clients on one queue take each other's replies),
   * querying snapshots from the stack's bucket and offloading bodies over one message to it.
   */
  SqlqClient client(String database) {
    SqlqClient client = SqlqClient.builder().sqs(sqs).store(new PageDeltaStore(local.s3(), local.config().bucket(),
        local.config().keyPrefix()))
        .payloads(local.s3(), local.config().bucket(), local.config().payloadKeyPrefix())
        .requestQueueUrl(local.config().requestQueueUrl())
        .defaultReplyQueueUrl(local.config().replyQueueUrl()).ownReplyQueue()
        .defaultDatabase(database).requestTimeout(Duration.ofSeconds(90)).maxBlock(Duration.ofSeconds(90))
        .replyWaitTime(Duration.ofSeconds(1)).build();
    owned.add(client);
    return client;
  }

  /**
   * Sets the request queue's redrive policy to move a message to the dead-letter queue after
   * {@code receives} receives (the stack's own is {@code StackProvisioner.MAX_RECEIVE_COUNT}).
   */
  void maxReceiveCount(int receives) {
    String arn = sqs.getQueueAttributes(b -> b.queueUrl(local.config().deadLetterQueueUrl())
        .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    sqs.setQueueAttributes(b -> b.queueUrl(local.config().requestQueueUrl()).attributes(Map.of(
        QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":" + receives + "}")));
  }

  /** The dead-letter queue of this pipeline's stack. */
  DeadLetterQueue deadLetters() {
    return new DeadLetterQueue(sqs, local.config().deadLetterQueueUrl(), local.config().requestQueueUrl());
  }

  /** Downloads the published file of {@code db} into {@code dir}. */
  Path export(String db, Path dir) throws Exception {
    Path target = dir.resolve(db + ".sqlite");
    var fetched = new PageDeltaStore(local.s3(), local.config().bucket(),
        local.config().keyPrefix()).fetch(db, null, target);
    if (fetched instanceof DatabaseStore.Fetched.Missing) {
      throw new AssertionError("database " + db + " was never published");
    }
    return target;
  }

  /** The first column of the first row of {@code sql} on a database file, as text. */
  static String query(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        var s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (AutoCloseable c : owned.reversed()) {
      c.close();
    }
    owned.clear();
    if (local != null) {
      local.close();
    }
    if (localStack != null) {
      localStack.close();
    }
  }
}
