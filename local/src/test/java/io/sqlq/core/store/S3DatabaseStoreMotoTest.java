package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.local.MotoFixture;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract against S3 on a real moto_server, plus the S3-only error mapping. */
class S3DatabaseStoreMotoTest extends DatabaseStoreContract {
  private static final String BUCKET = "sqlq-store-test";
  private static MotoFixture moto;

  @BeforeAll
  static void startMoto() {
    moto = MotoFixture.start();
    moto.s3().createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  protected DatabaseStore store() {
    return new S3DatabaseStore(moto.s3(), BUCKET, db -> "db/" + db + ".sqlite");
  }

  @Override
  protected long recordedVersion(String db) {
    return Long.parseLong(moto.s3().headObject(b -> b.bucket(BUCKET).key("db/" + db + ".sqlite"))
        .metadata().get(S3DatabaseStore.VERSION_METADATA));
  }

  @Test
  void fetchFromABucketThatDoesNotExist_failsAsAwsCallNotAsMissingDatabase() {
    var store = new S3DatabaseStore(moto.s3(), "no-such-bucket", db -> "db/" + db + ".sqlite");

    assertThatThrownBy(() -> store.fetch("main", null, dir.resolve("copy.sqlite")))
        .isInstanceOfSatisfying(AwsCallFailedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("S3 GetObject db/main.sqlite", "NoSuchBucket");
        });
  }

  @Test
  void publishToABucketThatDoesNotExist_failsAsAwsCallNotAsConflict() throws Exception {
    var store = new S3DatabaseStore(moto.s3(), "no-such-bucket", db -> "db/" + db + ".sqlite");
    var file = Files.writeString(dir.resolve("upload.sqlite"), "v1");

    assertThatThrownBy(() -> store.publish("main", file, null, 1))
        .isInstanceOfSatisfying(AwsCallFailedException.class,
            e -> assertThat(e.getMessage()).contains("S3 PutObject db/main.sqlite", "NoSuchBucket"));
  }

  @Test
  void storeBuiltFromConfig_usesTheConfiguredBucketAndPrefixedKey() throws Exception {
    var config = new io.sqlq.core.SqlqConfig("us-east-1", Endpoints.of(moto.server().endpoint()), BUCKET, "tenant-a/",
        "unused", "unused", "unused", "unused", null, null, null, null);
    var file = Files.writeString(dir.resolve("upload.sqlite"), "v1");

    new S3DatabaseStore(moto.s3(), config).publish("main", file, null, 7);

    assertThat(moto.s3().headObject(b -> b.bucket(BUCKET).key("tenant-a/db/main.sqlite")).metadata())
        .containsEntry("sqlq-version", "7");
  }
}
