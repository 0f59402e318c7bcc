package io.sqlq.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The bytes of the pages that differ between two versions of a SQLite file, found by comparing
 * them page by page: what a batch changed in whole pages, which a layout of uncompressed whole
 * pages would upload for it. The storage series' own count, independent of the store's page hashes.
 */
final class ChangedPages {
  /** Offset and length of the page size in the database header (sqlite.org/fileformat.html, "The Database Header"). */
  private static final int PAGE_SIZE_OFFSET = 16;
  /** Pages compared per read. */
  private static final int PAGES_PER_READ = 256;

  private ChangedPages() {}

  /**
   * The bytes of the pages of {@code after} that differ from the same page of {@code before} or
   * are past its end: the number of such pages times the page size.
   *
   * @param before the earlier version, or a path that does not exist (then every page is changed)
   * @param after the later version, a SQLite database file
   * @throws IOException when a file cannot be read, or {@code after} is shorter than its header
   */
  static long bytes(Path before, Path after) throws IOException {
    int pageSize = pageSize(after);
    long changed = 0;
    try (InputStream later = Files.newInputStream(after);
        InputStream earlier = Files.exists(before) ? Files.newInputStream(before) : InputStream.nullInputStream()) {
      byte[] a = new byte[pageSize * PAGES_PER_READ];
      byte[] b = new byte[a.length];
      while (true) {
        int n = later.readNBytes(a, 0, a.length);
        if (n == 0) {
          return changed;
        }
        int m = earlier.readNBytes(b, 0, n);
        for (int from = 0; from < n; from += pageSize) {
          int to = Math.min(n, from + pageSize);
          if (to > m || Arrays.mismatch(a, from, to, b, from, to) >= 0) {
            changed += pageSize;
          }
        }
      }
    }
  }

  /** The page size in {@code file}'s header, bytes: the value 1 stands for 65,536. */
  private static int pageSize(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] header = in.readNBytes(PAGE_SIZE_OFFSET + 2);
      if (header.length < PAGE_SIZE_OFFSET + 2) {
        throw new IOException(file + " is shorter than a SQLite header");
      }
      int size = ((header[PAGE_SIZE_OFFSET] & 0xFF) << 8) | (header[PAGE_SIZE_OFFSET + 1] & 0xFF);
      return size == 1 ? 65_536 : size;
    }
  }
}
