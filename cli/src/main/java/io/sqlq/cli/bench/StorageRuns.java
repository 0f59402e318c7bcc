package io.sqlq.cli.bench;

import io.sqlq.consumer.AppliedBatch;
import io.sqlq.consumer.AppliedRequest;
import io.sqlq.consumer.BatchApplier;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.Sequence;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sqlite.HardenedSqlite;
import io.sqlq.core.store.DatabaseStore.Fetched;
import io.sqlq.core.store.PageDeltaStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntConsumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The storage series (issue 11): a generated script of single-row INSERTs
 * ({@link Workloads#orders}) applied batch by batch as the consumer applies it
 * ({@link BatchApplier} with its exactly-once tables, on a working copy), each batch then
 * published twice on the emulator's S3: through {@link PageDeltaStore} (layout v2) and as the
 * whole-file layout did (one PutObject of the file, deleted again so the emulator's memory stays
 * bounded), each timed. A client of its own counts the bytes ({@link S3Transfers}); the pages each
 * batch changed are found by comparing the file with a copy of the version before
 * ({@link ChangedPages}). Then a fresh store catches a copy up from nothing and once more when it
 * is current, and a plain SQLite file is built from the same statements. The run is checked: every
 * reply succeeded, the working copy holds every row, and the fetched copy equals it.
 */
final class StorageRuns {
  /** The database's name in the bucket. */
  static final String DB = "orders";
  private static final String BUCKET = "bench-storage";
  /** The key of the whole-file layout (layout v1's {@code db/<name>.sqlite}). */
  private static final String WHOLE_FILE_KEY = "db/" + DB + ".sqlite";
  private static final long RANDOM_SEED = 11;

  /**
   * How big the run is.
   *
   * @param inserts single-row INSERT requests
   * @param batchRequests requests per batch (the first batch also has the request creating the table)
   * @throws IllegalArgumentException when either is below 1
   */
  record Plan(int inserts, int batchRequests) {
    Plan {
      if (inserts < 1 || batchRequests < 1) {
        throw new IllegalArgumentException("the storage series needs an insert and a request per batch: " + inserts
            + " inserts, " + batchRequests + " a batch");
      }
    }

    /** Issue 11's script: 300,000 INSERTs in batches of 4,918 (61 full batches and one of 2). */
    static final Plan FULL = new Plan(300_000, 4_918);
    /** {@code --quick}: 10,000 INSERTs in batches of 500 (20 versions, as the full plan's first sixth). */
    static final Plan QUICK = new Plan(10_000, 500);

    /** The number of batches. */
    int batches() {
      return (inserts + batchRequests - 1) / batchRequests;
    }

    /** The inserts of batch {@code index} (0-based): {@code batchRequests}, fewer in the last. */
    int inserts(int index) {
      return Math.min(batchRequests, inserts - index * batchRequests);
    }
  }

  private StorageRuns() {}

  /**
   * Runs the series on the emulator {@code clients} reach, in bucket {@value #BUCKET} (created).
   *
   * @param dir scratch space for the working copy, its previous version and the other files
   * @param onInserts hears the inserts of each batch once it is published (the progress bar's step)
   * @throws io.sqlq.consumer.BatchAbortedException when SQLite aborts a batch
   */
  static StorageFigures run(AwsClients clients, Plan plan, Path dir, IntConsumer onInserts)
      throws IOException, SQLException {
    S3Transfers transfers = new S3Transfers();
    try (S3Client s3 = clients.newS3Client(transfers)) {
      s3.createBucket(b -> b.bucket(BUCKET));
      Run run = new Run(s3, transfers, dir);
      List<StorageFigures.Batch> batches = new ArrayList<>();
      Random random = new Random(RANDOM_SEED);
      for (int b = 0; b < plan.batches(); b++) {
        int count = plan.inserts(b);
        List<List<Statement>> requests = new ArrayList<>();
        if (b == 0) {
          requests.add(Workloads.ORDERS_SCHEMA.stream().map(Statement::of).toList());
        }
        Workloads.orders(random, count).forEach(statement -> requests.add(List.of(statement)));
        batches.add(run.batch(b + 1, requests));
        onInserts.accept(count);
      }
      long rows = rows(run.work);
      run.errors.check(rows == plan.inserts(), "the working copy holds " + rows + " rows, not " + plan.inserts());
      S3Transfers.Totals catchUp = run.catchUpFromNothing(rows);
      long currentGets = run.catchUpWhenCurrent();
      Path plain = dir.resolve("plain.sqlite");
      long plainRows = plainSqlite(plan, plain);
      run.errors.check(plainRows == rows, "plain SQLite holds " + plainRows + " rows, the working copy " + rows);
      Totals totals = Totals.of(batches);
      return new StorageFigures(plan.inserts(), plan.batchRequests(), run.version, Files.size(run.work),
          Files.size(plain), totals.changed(), totals.v2Bytes(), run.v2Puts, totals.worstRatio(), totals.worstBatch(),
          totals.wholeFileBytes(), totals.applyMs() / 1e3, totals.v2Ms() / 1e3, totals.wholeFileMs() / 1e3,
          catchUp.gets(), catchUp.getBytes(), currentGets, rows, run.errors.count, run.errors.first, batches);
    }
  }

  /** One run's working copy, its store and where it stands: the last version, its ETag, the next sequence number. */
  private static final class Run {
    final S3Client s3;
    final S3Transfers transfers;
    final Path work;
    final Path previous;
    final Path fetched;
    final PageDeltaStore store;
    final BatchApplier applier = LocalRuns.newApplier();
    final String producer = "bench-storage-" + UUID.randomUUID();
    final Errors errors = new Errors();
    String etag;
    long version;
    long sequence;
    long v2Puts;

    Run(S3Client s3, S3Transfers transfers, Path dir) {
      this.s3 = s3;
      this.transfers = transfers;
      this.work = dir.resolve("work.sqlite");
      this.previous = dir.resolve("previous.sqlite");
      this.fetched = dir.resolve("fetched.sqlite");
      this.store = new PageDeltaStore(s3, BUCKET, "");
    }

    /**
     * Applies batch {@code number} of {@code requests} (each a request's statements), publishes it
     * through layout v2, then as one whole-file PutObject, and finds the pages it changed.
     */
    StorageFigures.Batch batch(int number, List<List<Statement>> requests) throws IOException, SQLException {
      List<Request> batch = new ArrayList<>(requests.size());
      for (List<Statement> statements : requests) {
        batch.add(new Request(UUID.randomUUID().toString(), DB, statements, LocalRuns.REPLY_QUEUE,
            new Sequence(producer, ++sequence)));
      }
      long start = System.nanoTime();
      AppliedBatch applied;
      try (Connection connection = HardenedSqlite.open(work)) {
        applied = applier.apply(connection, batch);
      }
      long appliedAt = System.nanoTime();
      applied.requests().stream().map(AppliedRequest::reply).filter(r -> !r.ok())
          .forEach(r -> errors.add(r.error().code() + " " + r.error().message()));
      version = applied.version();
      S3Transfers.Totals before = transfers.totals();
      etag = store.publish(DB, work, etag, version).etag();
      long publishedAt = System.nanoTime();
      S3Transfers.Totals v2 = transfers.totals().since(before);
      v2Puts += v2.puts();
      s3.putObject(o -> o.bucket(BUCKET).key(WHOLE_FILE_KEY), RequestBody.fromFile(work));
      long wholeFileAt = System.nanoTime();
      s3.deleteObject(o -> o.bucket(BUCKET).key(WHOLE_FILE_KEY));
      long changed = ChangedPages.bytes(previous, work);
      Files.copy(work, previous, StandardCopyOption.REPLACE_EXISTING);
      return new StorageFigures.Batch(number, Files.size(work), changed, v2.putBytes(), (appliedAt - start) / 1e6,
          (publishedAt - appliedAt) / 1e6, (wholeFileAt - publishedAt) / 1e6);
    }

    /** A fresh store fetches the database into {@link #fetched}: what it downloaded; checks the copy has {@code rows}. */
    S3Transfers.Totals catchUpFromNothing(long rows) throws IOException, SQLException {
      S3Transfers.Totals before = transfers.totals();
      Fetched cold = new PageDeltaStore(s3, BUCKET, "").fetch(DB, null, fetched);
      S3Transfers.Totals catchUp = transfers.totals().since(before);
      errors.check(cold instanceof Fetched.Downloaded d && d.etag().equals(etag), "a fresh fetch gave " + cold
          + ", not the last version " + etag);
      errors.check(Files.mismatch(work, fetched) == -1 && rows(fetched) == rows,
          "the fetched copy differs from the working copy");
      return catchUp;
    }

    /** A fresh store fetches the database onto a current copy: its GetObject requests. */
    long catchUpWhenCurrent() {
      S3Transfers.Totals before = transfers.totals();
      Fetched warm = new PageDeltaStore(s3, BUCKET, "").fetch(DB, etag, fetched);
      errors.check(warm instanceof Fetched.Unchanged, "a current copy's fetch gave " + warm);
      return transfers.totals().since(before).gets();
    }
  }

  /**
   * The sums over the batches; the whole-file layout's bytes are the file's size after each batch
   * (one PutObject of it each).
   */
  private record Totals(long changed, long v2Bytes, long wholeFileBytes, double worstRatio, int worstBatch,
      double applyMs, double v2Ms, double wholeFileMs) {
    static Totals of(List<StorageFigures.Batch> batches) {
      StorageFigures.Batch worst = batches.stream().max(Comparator.comparingDouble(Totals::ratio)).orElseThrow();
      return new Totals(batches.stream().mapToLong(StorageFigures.Batch::changedPageBytes).sum(),
          batches.stream().mapToLong(StorageFigures.Batch::v2UploadBytes).sum(),
          batches.stream().mapToLong(StorageFigures.Batch::fileBytes).sum(), ratio(worst), worst.number(),
          batches.stream().mapToDouble(StorageFigures.Batch::applyMs).sum(),
          batches.stream().mapToDouble(StorageFigures.Batch::v2PublishMs).sum(),
          batches.stream().mapToDouble(StorageFigures.Batch::wholeFilePublishMs).sum());
    }

    private static double ratio(StorageFigures.Batch batch) {
      return batch.v2UploadBytes() / (double) Math.max(1, batch.changedPageBytes());
    }
  }

  /**
   * The same statements into a new file at {@code file} through plain JDBC (SQLite's defaults, a
   * transaction per batch as in the run, no sqlq tables); returns its rows.
   */
  private static long plainSqlite(Plan plan, Path file) throws SQLException {
    Random random = new Random(RANDOM_SEED);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (var statement = connection.createStatement()) {
        for (String ddl : Workloads.ORDERS_SCHEMA) {
          statement.execute(ddl);
        }
      }
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(Workloads.ORDER_INSERT)) {
        for (int b = 0; b < plan.batches(); b++) {
          for (Statement statement : Workloads.orders(random, plan.inserts(b))) {
            LocalRuns.execute(insert, statement.params());
          }
          connection.commit();
        }
      }
    }
    return rows(file);
  }

  private static long rows(Path file) throws SQLException {
    try (Connection connection = HardenedSqlite.openReadOnly(file);
        var statement = connection.createStatement();
        var rs = statement.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Error replies and failed checks: how many, and the first one's text. */
  private static final class Errors {
    long count;
    String first;

    void add(String error) {
      count++;
      if (first == null) {
        first = error;
      }
    }

    void check(boolean holds, String otherwise) {
      if (!holds) {
        add(otherwise);
      }
    }
  }
}
