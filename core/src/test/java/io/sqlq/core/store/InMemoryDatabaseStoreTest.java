package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class InMemoryDatabaseStoreTest extends DatabaseStoreContract {
  private final InMemoryDatabaseStore store = new InMemoryDatabaseStore();

  @Override
  protected DatabaseStore store() {
    return store;
  }

  @Override
  protected long recordedVersion(String db) {
    return store.version(db).orElseThrow();
  }

  @Test
  void publishOfIdenticalBytes_yieldsTheSameEtag_asS3ComputesEtagsFromContent() throws Exception {
    var file = Files.writeString(dir.resolve("same.sqlite"), "same bytes");
    String first = store.publish("db", file, null, 1).etag();

    String second = store.publish("db", file, first, 2).etag();

    assertThat(second).isEqualTo(first);
  }
}
