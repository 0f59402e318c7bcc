package io.sqlq.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaFileTest {
  @TempDir Path dir;

  @Test
  void aDeltaOfWholeChangedPages_roundTripsAndTurnsTheBaseIntoTheNewVersion() throws Exception {
    byte[] base = random(10 * 4096, 1);
    byte[] next = base.clone();
    next[3 * 4096 + 7] ^= 1;
    byte[] grown = concat(next, random(4096 + 100, 2));
    Path baseFile = Files.write(dir.resolve("base"), base);
    Path nextFile = Files.write(dir.resolve("next"), grown);
    PageHashes before = PageHashes.of(baseFile);
    PageHashes after = PageHashes.of(nextFile);

    int[] changed = after.changedSince(before);
    DeltaFile delta = DeltaFile.of(nextFile, null, null, after, changed, 2, 2);
    DeltaFile decoded = DeltaFile.decode(delta.encode(), "test");
    decoded.applyTo(baseFile);

    assertThat(changed).containsExactly(4, 11, 12);
    assertThat(decoded).isEqualTo(delta);
    assertThat(delta.pageNumbers()).containsExactly(4, 11, 12);
    assertThat(delta.data()).hasSize(2 * 4096 + 100);
    assertThat(baseFile).hasSameBinaryContentAs(nextFile);
    assertThat(PageHashes.of(baseFile).checksum()).isEqualTo(decoded.checksum()).isEqualTo(after.checksum());
  }

  @Test
  void aDeltaAgainstACopyOfTheBase_carriesOnlyTheChangedBytesOfOldPagesAndNewPagesWhole() throws Exception {
    byte[] base = random(10 * 4096, 1);
    byte[] next = base.clone();
    next[3 * 4096 + 7] ^= 1;
    next[3 * 4096 + 7 + DeltaFile.RANGE_GAP - 1] ^= 1;
    next[5 * 4096 + 100] ^= 1;
    next[5 * 4096 + 100 + DeltaFile.RANGE_GAP + 1] ^= 1;
    byte[] grown = concat(next, random(4096, 2));
    Path baseFile = Files.write(dir.resolve("base"), base);
    Path nextFile = Files.write(dir.resolve("next"), grown);
    PageHashes after = PageHashes.of(nextFile);

    PageHashes before = PageHashes.of(baseFile);
    DeltaFile delta = DeltaFile.of(nextFile, baseFile, before, after, after.changedSince(before), 2, 2);
    Path reader = Files.write(dir.resolve("reader"), base);
    DeltaFile.decode(delta.encode(), "test").applyTo(reader);

    assertThat(delta.ranges()).containsExactly(
        4, 7, DeltaFile.RANGE_GAP,
        6, 100, 1, 6, 100 + DeltaFile.RANGE_GAP + 1, 1,
        11, 0, 4096);
    assertThat(reader).hasSameBinaryContentAs(nextFile);
  }

  @Test
  void aPageOfTheBaseCopyThatDoesNotMatchItsHash_goesWhole_soTheDeltaStillRebuildsTheVersion() throws Exception {
    byte[] base = random(4 * 4096, 6);
    Path baseFile = Files.write(dir.resolve("base"), base);
    PageHashes before = PageHashes.of(baseFile);
    byte[] next = base.clone();
    next[2 * 4096 + 10] ^= 1;
    Path nextFile = Files.write(dir.resolve("next"), next);
    byte[] damaged = base.clone();
    damaged[2 * 4096 + 3000] ^= 1;
    Path damagedCopy = Files.write(dir.resolve("damaged-copy"), damaged);
    PageHashes after = PageHashes.of(nextFile);

    DeltaFile delta = DeltaFile.of(nextFile, damagedCopy, before, after, after.changedSince(before), 2, 2);
    Path reader = Files.write(dir.resolve("reader"), base);
    delta.applyTo(reader);

    assertThat(delta.ranges()).containsExactly(3, 0, 4096);
    assertThat(reader).hasSameBinaryContentAs(nextFile);
  }

  @Test
  void anObjectThatIsNotAZstandardFrame_isRefusedAsCorrupt() {
    byte[] raw = "SQLQDLT1 an object of the first delta format".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> DeltaFile.decode(raw, "db/x/log/2.delta"))
        .isInstanceOf(CorruptDatabaseException.class).hasMessageContaining("db/x/log/2.delta");
  }

  @Test
  void aDeltaWithAShorterLength_truncatesTheFile() throws Exception {
    Path big = Files.write(dir.resolve("big"), random(8 * 4096, 3));
    Path small = Files.write(dir.resolve("small"), java.util.Arrays.copyOf(Files.readAllBytes(big), 5 * 4096));
    PageHashes hashes = PageHashes.of(small);

    DeltaFile.of(small, null, null, hashes, new int[0], 2, 2).applyTo(big);

    assertThat(big).hasSameBinaryContentAs(small);
  }

  @Test
  void aFlippedBitAnywhereInADelta_isRefusedByItsTrailer() throws Exception {
    Path file = Files.write(dir.resolve("f"), random(3 * 4096, 4));
    byte[] encoded = DeltaFile.of(file, null, null, PageHashes.of(file), new int[] {2}, 1, 1).encode();
    encoded[encoded.length / 2] ^= 0x10;

    assertThatThrownBy(() -> DeltaFile.decode(encoded, "db/x/log/1.delta"))
        .isInstanceOf(CorruptDatabaseException.class).hasMessageContaining("db/x/log/1.delta");
  }

  @Test
  void aWrongPageApplied_isCaughtByTheWholeDatabaseChecksum() throws Exception {
    byte[] base = random(4 * 4096, 5);
    Path baseFile = Files.write(dir.resolve("base"), base);
    byte[] next = base.clone();
    next[4096] ^= 1;
    Path nextFile = Files.write(dir.resolve("next"), next);
    PageHashes after = PageHashes.of(nextFile);
    DeltaFile honest = DeltaFile.of(nextFile, null, null, after, after.changedSince(PageHashes.of(baseFile)), 2, 2);
    byte[] wrongPage = honest.data().clone();
    wrongPage[100] ^= 1;
    DeltaFile wrong = new DeltaFile(honest.pageSize(), honest.length(), 2, 2, honest.checksum(), honest.ranges(),
        wrongPage);

    wrong.applyTo(baseFile);

    assertThat(PageHashes.of(baseFile).checksum()).isNotEqualTo(wrong.checksum());
  }

  @Test
  void theSqliteHeaderGivesThePageSize() throws Exception {
    byte[] header = new byte[2 * 1024];
    System.arraycopy("SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, header, 0, 16);
    header[16] = 0x04;
    Path file = Files.write(dir.resolve("db.sqlite"), header);

    assertThat(PageHashes.of(file).pageSize()).isEqualTo(1024);
    assertThat(PageHashes.of(file).pageCount()).isEqualTo(2);
  }

  @Test
  void rangesOutOfOrderOverlappingOrPastTheFile_areRejected() {
    String checksum = "00".repeat(32);
    assertThatThrownBy(() -> new DeltaFile(4096, 8192, 1, 1, checksum, new int[] {2, 0, 4096, 1, 0, 4096},
        new byte[8192])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeltaFile(4096, 8192, 1, 1, checksum, new int[] {1, 0, 10, 1, 5, 10},
        new byte[20])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeltaFile(4096, 8192, 1, 1, checksum, new int[] {3, 0, 4096}, new byte[4096]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeltaFile(4096, 8192, 1, 1, checksum, new int[] {2, 4000, 100}, new byte[100]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
