package io.sqlq.it;

import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.LocalPipeline;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.S3DatabaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A local pipeline on its own {@code moto_server} for one test class, with helpers to make
 * clients on their own reply queues and to read a published database.
 */
final class Pipeline implements AutoCloseable {
  final LocalPipeline local;
  final SqsClient sqs;
  private final List<AutoCloseable> owned = new ArrayList<>();

  private Pipeline(LocalPipeline local) {
    this.local = local;
    this.sqs = local.clients().sqs();
  }

  /** Starts moto_server, provisions a stack and starts {@code pollers} consumer pollers. */
  static Pipeline start(int pollers) {
    return new Pipeline(LocalPipeline.start(LocalPipeline.Options.defaults().withEndpoint(null).withPollers(pollers)));
  }

  /** A client reading a reply queue of its own (two clients on one queue take each other's replies). */
  SqlqClient client(String database) {
    String replyQueue = sqs.createQueue(b -> b.queueName("it-replies-" + UUID.randomUUID())).queueUrl();
    SqlqClient client = SqlqClient.builder().sqs(sqs).requestQueueUrl(local.config().requestQueueUrl())
        .replyQueueUrl(replyQueue).database(database).requestTimeout(Duration.ofSeconds(90))
        .replyWaitTime(Duration.ofSeconds(1)).build();
    owned.add(client);
    return client;
  }

  /** Downloads the published file of {@code db} into {@code dir}. */
  Path export(String db, Path dir) throws Exception {
    Path target = dir.resolve(db + ".sqlite");
    try (var s3 = local.clients().s3()) {
      var fetched = new S3DatabaseStore(s3, local.config()).fetch(db, null, target);
      if (fetched instanceof DatabaseStore.Fetched.Missing) {
        throw new AssertionError("database " + db + " was never published");
      }
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

  static boolean exists(Path file) {
    return Files.isRegularFile(file);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : owned.reversed()) {
      c.close();
    }
    sqs.close();
    local.close();
  }
}
