package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.store.DatabaseStore.Fetched;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link DatabaseStore} must do, run against the in-memory twin and against
 * {@link PageDeltaStore} on moto_server (which also proves the emulator honours If-Match and If-None-Match before any
 * other test relies on them). Each test uses a database name of its own.
 */
abstract class DatabaseStoreContract {
  @TempDir Path dir;

  private Path uploads;
  private Path copies;
  private final String db = "db_" + UUID.randomUUID().toString().replace("-", "");

  @BeforeEach
  void createDirectories() throws IOException {
    uploads = Files.createDirectory(dir.resolve("uploads"));
    copies = Files.createDirectory(dir.resolve("copies"));
  }

  /** The store under test. */
  protected abstract DatabaseStore store();

  /** The {@code sqlq-version} metadata the store holds for {@code db}. */
  protected abstract long recordedVersion(String db);

  @Test
  void fetchOfDatabaseNeverPublished_isMissingAndCreatesNoFile() throws IOException {
    Path target = copies.resolve("copy.sqlite");

    assertThat(store().fetch(db, null, target)).isEqualTo(new Fetched.Missing());
    assertThat(filesIn(copies)).as("files in " + copies).isZero();
  }

  @Test
  void fetchOfDatabaseNeverPublished_withACachedEtag_isMissing() {
    assertThat(store().fetch(db, "\"0123456789abcdef0123456789abcdef\"", copies.resolve("copy.sqlite")))
        .isEqualTo(new Fetched.Missing());
  }

  @Test
  void firstPublishWithoutEtag_createsTheDatabaseAndReturnsItsEtag() throws IOException {
    String etag = store().publish(db, file("v1"), null, 1).etag();

    Path target = copies.resolve("copy.sqlite");
    assertThat(etag).isNotBlank();
    assertThat(store().fetch(db, null, target)).isInstanceOfSatisfying(Fetched.Downloaded.class, d -> {
      assertThat(d.etag()).isEqualTo(etag);
      assertThat(d.bytes()).isPositive();
    });
    assertThat(target).hasContent("v1");
  }

  @Test
  void secondPublishWithoutEtag_isRefusedWith412AndKeepsTheFirst() throws IOException {
    store().publish(db, file("first"), null, 1);

    assertThatThrownBy(() -> store().publish(db, file("second"), null, 1))
        .isInstanceOfSatisfying(PublishConflictException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(412);
          assertThat(e.expectedEtag()).isNull();
          assertThat(e.key()).contains(db);
          assertThat(e.retryable()).isTrue();
        });
    assertThat(contentOf(db)).isEqualTo("first");
  }

  @Test
  void publishWithTheCurrentEtag_replacesTheDatabaseAndReturnsANewEtag() throws IOException {
    String first = store().publish(db, file("v1"), null, 1).etag();

    String second = store().publish(db, file("v2"), first, 2).etag();

    assertThat(second).isNotEqualTo(first);
    assertThat(contentOf(db)).isEqualTo("v2");
  }

  @Test
  void publishWithAStaleEtag_isRefusedWith412AndKeepsTheNewerFile() throws IOException {
    String stale = store().publish(db, file("v1"), null, 1).etag();
    store().publish(db, file("v2 by another writer"), stale, 2);

    assertThatThrownBy(() -> store().publish(db, file("v2 by a writer whose lock was broken"), stale, 2))
        .isInstanceOfSatisfying(PublishConflictException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(412);
          assertThat(e.expectedEtag()).isEqualTo(stale);
        });
    assertThat(contentOf(db)).isEqualTo("v2 by another writer");
  }

  @Test
  void publishWithAnEtagOfADatabaseThatDoesNotExist_isRefusedAsConflictWith404() throws IOException {
    Path file = file("v1");

    assertThatThrownBy(() -> store().publish(db, file, "\"0123456789abcdef0123456789abcdef\"", 1))
        .isInstanceOfSatisfying(PublishConflictException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(store().fetch(db, null, copies.resolve("copy.sqlite"))).isEqualTo(new Fetched.Missing());
  }

  @Test
  void fetchWithTheCurrentEtag_isUnchangedAndLeavesTheTargetUntouched() throws IOException {
    String etag = store().publish(db, file("published"), null, 1).etag();
    Path target = copies.resolve("copy.sqlite");
    Files.writeString(target, "local copy, modified since the fetch");

    assertThat(store().fetch(db, etag, target)).isEqualTo(new Fetched.Unchanged(etag));
    assertThat(target).hasContent("local copy, modified since the fetch");
  }

  @Test
  void fetchAfterAnotherWriterPublished_downloadsTheNewBytesOverTheOldCopy() throws IOException {
    String mine = store().publish(db, file("v1"), null, 1).etag();
    Path target = copies.resolve("copy.sqlite");
    store().fetch(db, null, target);
    String theirs = store().publish(db, file("v2 from another writer"), mine, 2).etag();

    assertThat(store().fetch(db, mine, target))
        .isInstanceOfSatisfying(Fetched.Downloaded.class, d -> assertThat(d.etag()).isEqualTo(theirs));
    assertThat(target).hasContent("v2 from another writer");
    assertThat(filesIn(copies)).as("only the target, no temp file beside it").isEqualTo(1);
  }

  @Test
  void publish_recordsTheDatabaseVersionAsMetadata() throws IOException {
    String etag = store().publish(db, file("v1"), null, 41).etag();
    store().publish(db, file("v2"), etag, 42);

    assertThat(recordedVersion(db)).isEqualTo(42);
  }

  private Path file(String content) throws IOException {
    return Files.writeString(Files.createTempFile(uploads, "upload", ".sqlite"), content);
  }

  private String contentOf(String database) throws IOException {
    Path target = Files.createTempFile(dir, "check", ".sqlite");
    try {
      assertThat(store().fetch(database, null, target)).isInstanceOf(Fetched.Downloaded.class);
      return Files.readString(target, StandardCharsets.UTF_8);
    } finally {
      Files.delete(target);
    }
  }

  private static long filesIn(Path directory) throws IOException {
    try (var files = Files.list(directory)) {
      return files.count();
    }
  }
}
