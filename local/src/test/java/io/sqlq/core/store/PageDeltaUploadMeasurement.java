package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.local.MotoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 11's upload figures for layout v2, printed: a generated script of single-row INSERTs
 * (~150-byte rows, one table plus one index) applied in batches to a working copy and published
 * through {@link PageDeltaStore} on moto_server after each batch. Compares, per batch and in
 * total, the bytes PutObject carried with the bytes of the pages the batch changed and with what
 * layout v1 uploads for the same batches (the whole file each time), and times both: after each
 * layout-v2 publish the same file is also put whole (then deleted, so moto's memory stays
 * bounded), as layout v1 did, with an uncounted client. Not part of the suite (its
 * name does not end in Test): run it with
 * {@code mvn -B -o -q -pl local -am test -Dtest=PageDeltaUploadMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false -Dinserts=300000 -DbatchSize=4918}.
 */
class PageDeltaUploadMeasurement {
  @TempDir Path dir;

  @Test
  void uploadsPerBatchAgainstChangedPagesAndTheWholeFileLayout() throws Exception {
    int inserts = Integer.getInteger("inserts", 300_000);
    int batchSize = Integer.getInteger("batchSize", 4_918);
    PutCounter puts = new PutCounter();
    try (MotoFixture moto = MotoFixture.start();
        AwsClients clients = new AwsClients(AwsClients.EMULATOR_REGION, Endpoints.of(moto.server().endpoint()));
        S3Client s3 = clients.newS3Client(puts)) {
      s3.createBucket(b -> b.bucket("measure"));
      PageDeltaStore store = new PageDeltaStore(s3, "measure", "");
      Path db = dir.resolve("work.sqlite");
      Random random = new Random(11);
      String etag = null;
      long version = 0;
      long wholeFile = 0;
      long changedBytes = 0;
      long worstRatioTimes100 = 0;
      long applyNanos = 0;
      long publishNanos = 0;
      long wholeFileNanos = 0;
      PageHashes before = null;
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        connection.createStatement().execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT, item TEXT,"
            + " note TEXT, amount REAL)");
        connection.createStatement().execute("CREATE INDEX orders_customer ON orders(customer)");
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO orders(customer, item, note, amount) VALUES (?, ?, ?, ?)")) {
          for (int done = 0; done < inserts; done += batchSize) {
            long t0 = System.nanoTime();
            for (int i = done; i < Math.min(inserts, done + batchSize); i++) {
              insert.setString(1, "customer-" + random.nextInt(50_000));
              insert.setString(2, "item-" + random.nextInt(1_000_000));
              insert.setString(3, Long.toHexString(random.nextLong()).repeat(6));
              insert.setDouble(4, random.nextInt(100_000) / 100.0);
              insert.executeUpdate();
            }
            connection.commit();
            long t1 = System.nanoTime();
            long uploadedBefore = puts.bytes.get();
            etag = store.publish("orders", db, etag, ++version).etag();
            publishNanos += System.nanoTime() - t1;
            applyNanos += t1 - t0;
            long uploaded = puts.bytes.get() - uploadedBefore;
            long t2 = System.nanoTime();
            moto.s3().putObject(b -> b.bucket("measure").key("db/orders.sqlite"), RequestBody.fromFile(db));
            wholeFileNanos += System.nanoTime() - t2;
            moto.s3().deleteObject(b -> b.bucket("measure").key("db/orders.sqlite"));
            PageHashes after = PageHashes.of(db);
            long changed = before == null ? after.length() : (long) after.changedSince(before).length * after.pageSize();
            before = after;
            wholeFile += after.length();
            changedBytes += changed;
            worstRatioTimes100 = Math.max(worstRatioTimes100, uploaded * 100 / Math.max(1, changed));
            System.out.printf("batch %3d: file %,12d bytes, changed pages %,11d bytes, uploaded %,11d bytes (%.2fx)%n",
                version, after.length(), changed, uploaded, uploaded / (double) Math.max(1, changed));
          }
        }
      }
      long total = puts.bytes.get();
      System.out.printf("%,d INSERTs in %d batches: file %,d bytes; uploaded %,d bytes in %d PutObjects; whole-file"
          + " layout would upload %,d bytes (%.2f%%); changed pages %,d bytes (uploaded %.2fx, worst batch %.2fx);"
          + " apply %,.0f statements/s; publish %,d ms in total (%.0f ms a batch), the whole-file PutObject %,d ms"
          + " (%.0f ms a batch)%n", inserts, version,
          Files.size(db), total, puts.calls.get(), wholeFile, 100.0 * total / wholeFile, changedBytes,
          total / (double) changedBytes, worstRatioTimes100 / 100.0, inserts / (applyNanos / 1e9),
          publishNanos / 1_000_000, publishNanos / 1e6 / version, wholeFileNanos / 1_000_000,
          wholeFileNanos / 1e6 / version);
      assertThat(total).as("snapshots cost at most the deltas since the last one, merges one more upload per level")
          .isLessThanOrEqualTo(3 * changedBytes).isLessThan(wholeFile);
    }
  }

  /** Counts PutObject calls and their request body bytes. */
  private static final class PutCounter implements ExecutionInterceptor {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      if ("PutObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
        calls.incrementAndGet();
        bytes.addAndGet(context.httpRequest().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L));
      }
    }
  }
}
