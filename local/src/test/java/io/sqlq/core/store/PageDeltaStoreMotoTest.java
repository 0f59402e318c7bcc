package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.consumer.faults.FaultPoint;
import io.sqlq.consumer.faults.Faults;
import io.sqlq.consumer.faults.InjectedFaultException;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.core.store.DatabaseStore.Fetched;
import io.sqlq.local.MotoFixture;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The store contract against {@link PageDeltaStore} on a real moto_server, plus what layout v2
 * adds: deltas of real SQLite files, catch-up counted in GETs and bytes, a stale manifest ETag
 * refused, a wrong page detected by the checksum, the conversion of a v1 database, and a publish
 * failing between its S3 calls ({@link Faults#s3Interceptor()}: a crash before the manifest write,
 * a manifest write whose answer is lost).
 */
class PageDeltaStoreMotoTest extends DatabaseStoreContract {
  private static final String BUCKET = "sqlq-store-test";
  private static MotoFixture moto;
  private static AwsClients clients;
  private static S3Client counted;
  private static final GetCounter gets = new GetCounter();

  private final String name = "db_" + UUID.randomUUID().toString().replace("-", "");
  private final DatabaseKeys keys = new DatabaseKeys("", name);
  private final Faults faults = new Faults();
  private S3Client faulted;

  @BeforeAll
  static void startMoto() {
    moto = MotoFixture.start();
    moto.s3().createBucket(b -> b.bucket(BUCKET));
    clients = new AwsClients(AwsClients.EMULATOR_REGION, Endpoints.of(moto.server().endpoint()));
    counted = clients.newS3Client(gets);
  }

  @AfterEach
  void closeFaultedClient() {
    if (faulted != null) {
      faulted.close();
    }
  }

  @AfterAll
  static void stopMoto() {
    if (counted != null) {
      counted.close();
      clients.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  protected DatabaseStore store() {
    return new PageDeltaStore(moto.s3(), BUCKET, "");
  }

  @Override
  protected long recordedVersion(String db) {
    return manifest(db).version();
  }

  @Test
  void fetchFromABucketThatDoesNotExist_failsAsAwsCallNotAsMissingDatabase() {
    var store = new PageDeltaStore(moto.s3(), "no-such-bucket", "");

    assertThatThrownBy(() -> store.fetch("main", null, dir.resolve("copy.sqlite")))
        .isInstanceOfSatisfying(AwsCallFailedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("S3 GetObject db/main/manifest.json", "NoSuchBucket");
        });
  }

  @Test
  void publishToABucketThatDoesNotExist_failsAsAwsCallNotAsConflict() throws Exception {
    var store = new PageDeltaStore(moto.s3(), "no-such-bucket", "");
    var file = Files.writeString(dir.resolve("upload.sqlite"), "v1");

    assertThatThrownBy(() -> store.publish("main", file, null, 1))
        .isInstanceOfSatisfying(AwsCallFailedException.class,
            e -> assertThat(e.getMessage()).contains("S3 PutObject db/main/log/", "NoSuchBucket"));
  }

  @Test
  void storeBuiltFromConfig_usesTheConfiguredBucketAndPrefixedKeys() throws Exception {
    var config = new io.sqlq.core.SqlqConfig("us-east-1", Endpoints.of(moto.server().endpoint()), BUCKET, "tenant-a/",
        "unused", "unused", "unused", "unused", null, null, null, null);
    var file = Files.writeString(dir.resolve("upload.sqlite"), "v1");

    new PageDeltaStore(moto.s3(), config.bucket(), config.keyPrefix()).publish(name, file, null, 7);

    assertThat(moto.s3().headObject(b -> b.bucket(BUCKET).key("tenant-a/db/" + name + "/manifest.json")).metadata())
        .containsEntry("sqlq-version", "7");
  }

  @Test
  void aBatchAfterTheFirst_uploadsADeltaOfTheChangedPagesOnly() throws Exception {
    var store = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t(v) SELECT hex(randomblob(100)) FROM "
        + numbers(2000));
    String etag = store.publish(name, db, null, 1).etag();
    sql(db, "UPDATE t SET v = 'changed' WHERE id = 1");

    store.publish(name, db, etag, 2);

    Manifest manifest = manifest(name);
    assertThat(manifest.chain()).hasSize(2);
    assertThat(manifest.chain().get(1).key()).startsWith(keys.logPrefix()).endsWith(".delta");
    assertThat(manifest.chain().get(1).bytes()).as("one or two 4 KiB pages and a header, not the %,d-byte file",
        Files.size(db)).isLessThan(3 * 4096 + 200);
  }

  @Test
  void aStoreThatPublishedTheVersionBefore_uploadsOnlyTheChangedBytes_aStoreWithoutItsCopyWholePages()
      throws Exception {
    var writer = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t(v) SELECT hex(randomblob(100)) FROM "
        + numbers(2000));
    String etag = writer.publish(name, db, null, 1).etag();
    sql(db, "INSERT INTO t(v) VALUES ('one more row')");
    etag = writer.publish(name, db, etag, 2).etag();
    sql(db, "INSERT INTO t(v) VALUES ('and another')");

    long ranged = writer.publish(name, db, etag, 3).bytesUploaded();
    Manifest afterRanged = manifest(name);
    sql(db, "INSERT INTO t(v) VALUES ('and a third')");
    Files.copy(db, dir.resolve("fresh.sqlite"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String etag3 = moto.s3().headObject(b -> b.bucket(BUCKET).key(keys.manifest())).eTag();

    assertThat(afterRanged.chain().get(afterRanged.chain().size() - 1).bytes())
        .as("the bytes of one new cell and its page headers, not two or three 4 KiB pages").isLessThan(1024);
    assertThat(ranged).isEqualTo(afterRanged.chain().get(afterRanged.chain().size() - 1).bytes()
        + afterRanged.encode().length);
    var fresh = new PageDeltaStore(moto.s3(), BUCKET, "");
    fresh.fetch(name, null, dir.resolve("reader.sqlite"));
    long wholePages = fresh.publish(name, dir.resolve("fresh.sqlite"), etag3, 4).bytesUploaded();
    assertThat(wholePages).as("the store without a copy of version 3 sends whole pages").isGreaterThan(2 * ranged);
    Path check = dir.resolve("check.sqlite");
    new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, null, check);
    assertThat(check).hasSameBinaryContentAs(dir.resolve("fresh.sqlite"));
  }

  @Test
  void theBaseCopyBesideThePublishedFile_followsEachPublish_andIsDroppedWhenAnotherWriterIsCaughtUp()
      throws Exception {
    var writer = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    Path baseCopy = dir.resolve("work.sqlite.sqlq-base");
    sql(db, "CREATE TABLE t(v)");
    String etag = writer.publish(name, db, null, 1).etag();
    sql(db, "INSERT INTO t VALUES ('mine')");
    etag = writer.publish(name, db, etag, 2).etag();
    assertThat(baseCopy).hasSameBinaryContentAs(db);

    Path theirs = dir.resolve("theirs.sqlite");
    var other = new PageDeltaStore(moto.s3(), BUCKET, "");
    other.fetch(name, null, theirs);
    sql(theirs, "INSERT INTO t VALUES ('theirs')");
    other.publish(name, theirs, etag, 3);
    writer.fetch(name, etag, db);

    assertThat(baseCopy).doesNotExist();
    assertThat(db).hasSameBinaryContentAs(theirs);
  }

  @Test
  void aSnapshotThatDoesNotDecompress_isRefusedAsCorrupt() throws Exception {
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)");
    new PageDeltaStore(moto.s3(), BUCKET, "").publish(name, db, null, 1);
    String snapshot = manifest(name).snapshot().key();
    moto.s3().putObject(b -> b.bucket(BUCKET).key(snapshot), RequestBody.fromString("not a Zstandard frame"));

    assertThatThrownBy(() -> new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, null, dir.resolve("copy.sqlite")))
        .isInstanceOf(CorruptDatabaseException.class).hasMessageContaining(snapshot);
  }

  @Test
  void aFreshReaderAndACatchUp_across120Versions_needFewGetsAndRebuildTheExactFile() throws Exception {
    var writer = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t(v) SELECT hex(randomblob(100)) FROM "
        + numbers(3000));
    String etag = writer.publish(name, db, null, 1).etag();
    var reader = new PageDeltaStore(counted, BUCKET, "");
    Path copy = dir.resolve("copy.sqlite");
    String readerEtag = null;
    for (int version = 2; version <= 121; version++) {
      sql(db, "INSERT INTO t(v) VALUES (hex(randomblob(100))), (hex(randomblob(100))), (hex(randomblob(100)))");
      etag = writer.publish(name, db, etag, version).etag();
      if (version == 10) {
        readerEtag = ((Fetched.Downloaded) reader.fetch(name, null, copy)).etag();
      }
    }
    gets.reset();

    Fetched caughtUp = reader.fetch(name, readerEtag, copy);
    long catchUpGets = gets.calls.get();
    long catchUpBytes = gets.bytes.get();
    gets.reset();
    Path fresh = dir.resolve("fresh.sqlite");
    Fetched fromNothing = new PageDeltaStore(counted, BUCKET, "").fetch(name, null, fresh);
    System.out.printf("121 versions, file %,d bytes, chain %d objects; catch-up from version 10: %d GETs, %,d bytes;"
        + " fresh reader: %d GETs, %,d bytes%n", Files.size(db), manifest(name).chain().size(), catchUpGets,
        catchUpBytes, gets.calls.get(), gets.bytes.get());

    assertThat(caughtUp).isEqualTo(new Fetched.Downloaded(etag, catchUpBytes));
    assertThat(fromNothing).isEqualTo(new Fetched.Downloaded(etag, gets.bytes.get()));
    assertThat(copy).hasSameBinaryContentAs(db);
    assertThat(fresh).hasSameBinaryContentAs(db);
    assertThat(gets.calls.get()).isLessThanOrEqualTo(2 + PageDeltaStore.MAX_CHAIN_DELTAS);
    assertThat(manifest(name).chain().size()).isLessThanOrEqualTo(1 + PageDeltaStore.MAX_CHAIN_DELTAS);
    assertThat(manifest(name).chain()).as("merged deltas replaced runs of 16").anyMatch(e -> e.level() > 0);
    gets.reset();
    assertThat(reader.fetch(name, etag, copy)).isEqualTo(new Fetched.Unchanged(etag));
    assertThat(gets.calls.get()).as("a current copy costs one conditional GET").isEqualTo(1);
  }

  @Test
  void aWriterWithAStaleManifestEtag_isRefusedAndItsDeltaIsNotReferenced() throws Exception {
    var first = new PageDeltaStore(moto.s3(), BUCKET, "");
    var second = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('base')");
    String base = first.publish(name, db, null, 1).etag();
    Path theirs = dir.resolve("theirs.sqlite");
    second.fetch(name, null, theirs);
    sql(theirs, "INSERT INTO t VALUES ('theirs')");
    String theirEtag = second.publish(name, theirs, base, 2).etag();
    sql(db, "INSERT INTO t VALUES ('stale')");

    assertThatThrownBy(() -> first.publish(name, db, base, 2))
        .isInstanceOfSatisfying(PublishConflictException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(412);
          assertThat(e.key()).isEqualTo(keys.manifest());
        });
    assertThat(manifestEtag(name)).as("the manifest is the other writer's").isEqualTo(theirEtag);
    Path check = dir.resolve("check.sqlite");
    new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, null, check);
    assertThat(check).hasSameBinaryContentAs(theirs);
  }

  @Test
  void aCrashAfterTheDeltaUploadBeforeTheManifestWrite_leavesTheManifestAsItWas_andARetryFromAFreshStoreCommits()
      throws Exception {
    var store = new PageDeltaStore(faultedClient(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)", "INSERT INTO t SELECT hex(randomblob(100)) FROM " + numbers(500));
    String base = store.publish(name, db, null, 1).etag();
    sql(db, "INSERT INTO t VALUES ('v2')");
    faults.arm(FaultPoint.STORE_BEFORE_MANIFEST, 1, 1);

    assertThatThrownBy(() -> store.publish(name, db, base, 2)).isInstanceOfSatisfying(InjectedFaultException.class,
        e -> assertThat(e.point()).isEqualTo(FaultPoint.STORE_BEFORE_MANIFEST));
    assertThat(manifestEtag(name)).isEqualTo(base);
    assertThat(manifest(name).version()).isEqualTo(1);
    List<String> orphan = logKeys(2);
    assertThat(orphan).as("the version 2 delta went up before the crash").singleElement().asString().endsWith(".delta");

    var fresh = new PageDeltaStore(faultedClient(), BUCKET, "");
    Path redelivered = dir.resolve("redelivered.sqlite");
    assertThat(fresh.fetch(name, null, redelivered))
        .isInstanceOfSatisfying(Fetched.Downloaded.class, d -> assertThat(d.etag()).isEqualTo(base));
    sql(redelivered, "INSERT INTO t VALUES ('v2')");
    String etag = fresh.publish(name, redelivered, base, 2).etag();

    Path read = dir.resolve("read.sqlite");
    assertThat(new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, null, read))
        .isInstanceOfSatisfying(Fetched.Downloaded.class, d -> assertThat(d.etag()).isEqualTo(etag));
    assertThat(read).hasSameBinaryContentAs(redelivered);
    assertThat(manifest(name).version()).isEqualTo(2);
    assertThat(manifest(name).chain()).extracting(Manifest.ChainEntry::key).as("the retry's own delta, not the orphan")
        .doesNotContainAnyElementsOf(orphan).containsAnyElementsOf(logKeys(2));
    assertThat(faults.fired(FaultPoint.STORE_BEFORE_MANIFEST)).isEqualTo(1);
  }

  @Test
  void aManifestWriteWhoseAnswerIsLost_isFoundCommittedInTheManifest_andThePublishReturnsItsEtag() throws Exception {
    var store = new PageDeltaStore(faultedClient(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('v1')");
    String base = store.publish(name, db, null, 1).etag();
    sql(db, "INSERT INTO t VALUES ('v2')");
    faults.arm(FaultPoint.STORE_MANIFEST_ANSWER_LOST, 1, 1);

    String etag = store.publish(name, db, base, 2).etag();

    assertThat(faults.fired(FaultPoint.STORE_MANIFEST_ANSWER_LOST)).isEqualTo(1);
    assertThat(etag).isNotEqualTo(base).isEqualTo(manifestEtag(name));
    Path read = dir.resolve("read.sqlite");
    assertThat(new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, null, read))
        .isInstanceOfSatisfying(Fetched.Downloaded.class, d -> assertThat(d.etag()).isEqualTo(etag));
    assertThat(read).hasSameBinaryContentAs(db);
    assertThat(manifest(name).version()).isEqualTo(2);
  }

  @Test
  void aManifestAnswerLostToAReadTimeout_isRetriedByTheSdkAndRefused412_andStillFoundCommitted() throws Exception {
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('v1')");
    String base = new PageDeltaStore(moto.s3(), BUCKET, "").publish(name, db, null, 1).etag();
    Path copy = dir.resolve("copy.sqlite");
    AtomicBoolean timedOut = new AtomicBoolean();
    ExecutionInterceptor firstManifestAnswerLost = new ExecutionInterceptor() {
      @Override
      public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutObjectRequest put && put.key().equals(keys.manifest())
            && timedOut.compareAndSet(false, true)) {
          throw SdkClientException.create("lost answer", new SocketTimeoutException("Read timed out"));
        }
      }
    };
    try (S3Client s3 = clients.newS3Client(firstManifestAnswerLost)) {
      var store = new PageDeltaStore(s3, BUCKET, "");
      store.fetch(name, null, copy);
      sql(copy, "INSERT INTO t VALUES ('v2')");

      String etag = store.publish(name, copy, base, 2).etag();

      assertThat(timedOut).isTrue();
      assertThat(etag).isEqualTo(manifestEtag(name));
      assertThat(manifest(name).version()).isEqualTo(2);
    }
  }

  @Test
  void aManifestWhoseChecksumDoesNotMatchItsChain_isRefusedAsCorruptAndLeavesTheTarget() throws Exception {
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)");
    new PageDeltaStore(moto.s3(), BUCKET, "").publish(name, db, null, 1);
    Manifest good = manifest(name);
    Manifest lying = new Manifest(good.layout(), good.version(), good.pageSize(), good.length(), "00".repeat(32),
        good.head(), good.deltaBytes(), good.chain());
    moto.s3().putObject(b -> b.bucket(BUCKET).key(keys.manifest()), RequestBody.fromBytes(lying.encode()));
    Path target = Files.writeString(dir.resolve("copy.sqlite"), "old copy");

    assertThatThrownBy(() -> new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, null, target))
        .isInstanceOf(CorruptDatabaseException.class).hasMessageContaining("manifest says " + "00".repeat(32));
    assertThat(target).hasContent("old copy");
  }

  @Test
  void aV1Database_isReadAndConvertedOnItsFirstPublish_andASecondConverterIsRefused() throws Exception {
    Path v1 = dir.resolve("v1.sqlite");
    sql(v1, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('from v1')");
    moto.s3().putObject(b -> b.bucket(BUCKET).key(keys.v1()), RequestBody.fromFile(v1));
    var store = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path copy = dir.resolve("copy.sqlite");

    Fetched fetched = store.fetch(name, null, copy);
    String v1Etag = ((Fetched.Downloaded) fetched).etag();
    assertThat(v1Etag).startsWith(PageDeltaStore.V1_ETAG_PREFIX);
    assertThat(copy).hasSameBinaryContentAs(v1);
    assertThat(store.fetch(name, v1Etag, copy)).isEqualTo(new Fetched.Unchanged(v1Etag));
    sql(copy, "INSERT INTO t VALUES ('first v2 batch')");
    String etag = store.publish(name, copy, v1Etag, 2).etag();

    Path fresh = dir.resolve("fresh.sqlite");
    assertThat(new PageDeltaStore(moto.s3(), BUCKET, "").fetch(name, v1Etag, fresh))
        .isInstanceOfSatisfying(Fetched.Downloaded.class, d -> assertThat(d.etag()).isEqualTo(etag));
    assertThat(fresh).hasSameBinaryContentAs(copy);
    assertThat(manifest(name).snapshot().snapshot()).isTrue();
    assertThatThrownBy(() -> new PageDeltaStore(moto.s3(), BUCKET, "").publish(name, v1, v1Etag, 2))
        .isInstanceOfSatisfying(PublishConflictException.class, e -> assertThat(e.statusCode()).isEqualTo(412));
  }

  @Test
  void vacuumShrinkingTheFile_publishesASnapshot() throws Exception {
    var store = new PageDeltaStore(moto.s3(), BUCKET, "");
    Path db = dir.resolve("work.sqlite");
    sql(db, "CREATE TABLE t(v)", "INSERT INTO t SELECT randomblob(1000) FROM " + numbers(500));
    String etag = store.publish(name, db, null, 1).etag();
    sql(db, "DELETE FROM t WHERE rowid > 10");
    etag = store.publish(name, db, etag, 2).etag();
    assertThat(manifest(name).chain()).hasSize(2);
    sql(db, "VACUUM");

    store.publish(name, db, etag, 3);

    assertThat(manifest(name).chain()).singleElement().satisfies(e -> {
      assertThat(e.snapshot()).isTrue();
      assertThat(e.to()).isEqualTo(3);
    });
    List<S3Object> log = moto.s3().listObjectsV2(b -> b.bucket(BUCKET).prefix(keys.logPrefix())).contents();
    assertThat(log).extracting(o -> DatabaseKeys.LogKey.parse(o.key().substring(keys.logPrefix().length()))
        .orElseThrow().version()).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  /** A client of the moto server that hears {@link #faults}; closed after the test. */
  private S3Client faultedClient() {
    if (faulted == null) {
      faulted = clients.newS3Client(faults.s3Interceptor());
    }
    return faulted;
  }

  private static String manifestEtag(String db) {
    return moto.s3().headObject(b -> b.bucket(BUCKET).key(new DatabaseKeys("", db).manifest())).eTag();
  }

  /** The keys of the log objects of {@code version} of this test's database. */
  private List<String> logKeys(long version) {
    return moto.s3().listObjectsV2(b -> b.bucket(BUCKET).prefix(keys.logPrefix())).contents().stream()
        .map(S3Object::key).filter(k -> DatabaseKeys.LogKey.parse(k.substring(keys.logPrefix().length()))
            .orElseThrow().version() == version).toList();
  }

  private static Manifest manifest(String db) {
    DatabaseKeys keys = new DatabaseKeys("", db);
    return Manifest.decode(moto.s3().getObjectAsBytes(b -> b.bucket(BUCKET).key(keys.manifest())).asByteArray(),
        keys.manifest());
  }

  /** A subquery of the numbers 1 to {@code n}, one row each: {@code INSERT ... SELECT ... FROM numbers(n)}. */
  private static String numbers(int n) {
    return "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + n + ") SELECT x FROM c)";
  }

  private static void sql(Path file, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        var statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** Counts GetObject calls and the bytes of their answers. */
  private static final class GetCounter implements ExecutionInterceptor {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      if ("GetObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
        calls.incrementAndGet();
        bytes.addAndGet(context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L));
      }
    }

    void reset() {
      calls.set(0);
      bytes.set(0);
    }
  }
}
