package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.store.Manifest.ChainEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestTest {
  private final ChainEntry snapshot = new ChainEntry("db/a/log/s.snapshot", true, 0, 5, 5, 8192);
  private final ChainEntry delta = new ChainEntry("db/a/log/d.delta", false, 0, 6, 6, 4200);

  @Test
  void aManifest_roundTripsThroughItsJson() {
    Manifest manifest = new Manifest(2, 6, 4096, 8192, "ab".repeat(32), "0123456789ab", 4200, List.of(snapshot, delta));

    assertThat(Manifest.decode(manifest.encode(), "m")).isEqualTo(manifest);
  }

  @Test
  void aChainMustStartWithItsOnlySnapshotAndEndAtTheVersion() {
    assertThatThrownBy(() -> new Manifest(2, 6, 4096, 8192, "ab", "h", 0, List.of(delta)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Manifest(2, 7, 4096, 8192, "ab", "h", 0, List.of(snapshot, delta)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Manifest(2, 5, 4096, 8192, "ab", "h", 0, List.of(snapshot, snapshot)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bytesThatAreNotAManifest_areCorrupt() {
    assertThatThrownBy(() -> Manifest.decode("{\"layout\":3}".getBytes(StandardCharsets.UTF_8), "db/a/manifest.json"))
        .isInstanceOf(CorruptDatabaseException.class).hasMessageContaining("db/a/manifest.json");
  }

  @Test
  void logKeys_parseBackToVersionIdParentAndKind() {
    DatabaseKeys keys = new DatabaseKeys("p/", "shop");
    String key = keys.log(42, "0123456789ab", DatabaseKeys.NO_PARENT, true);

    assertThat(key).isEqualTo("p/db/shop/log/00000000000000000042-0123456789ab-000000000000.snapshot");
    assertThat(DatabaseKeys.LogKey.parse(key.substring(keys.logPrefix().length())))
        .contains(new DatabaseKeys.LogKey(42, "0123456789ab", DatabaseKeys.NO_PARENT, true));
    assertThat(DatabaseKeys.LogKey.parse("manifest.json")).isEmpty();
  }
}
