package io.sqlq.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The SHA-256 of every page of a database file, and the whole-database checksum made from them
 * (DESIGN.md, "Storage layout"): SHA-256 over the page size (u32), the length (u64, bytes) and
 * the page hashes in order. Comparing two versions' page hashes finds the pages a batch changed.
 *
 * <p>The page size is the one in the SQLite header (bytes 16-17, big-endian, 1 meaning 65,536:
 * "Database File Format", sqlite.org, section 1.3.2); a file without a SQLite header (empty, or
 * not a database) is cut into 4,096-byte pages, the last one possibly shorter.
 *
 * @param pageSize bytes per page
 * @param length the file's length in bytes
 * @param hashes 32 bytes per page, page 1 first; not copied, never mutated
 */
public record PageHashes(int pageSize, long length, byte[] hashes) {
  /** Bytes of one page hash. */
  public static final int HASH_BYTES = 32;
  /** The page size used for a file without a SQLite header. */
  public static final int DEFAULT_PAGE_SIZE = 4096;
  private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The number of pages: length / page size, rounded up. */
  public int pageCount() {
    return Math.toIntExact((length + pageSize - 1) / pageSize);
  }

  /**
   * Reads {@code file} once and hashes every page.
   *
   * @throws DatabaseFileException when the file cannot be read
   */
  public static PageHashes of(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = channel.size();
      int pageSize = pageSize(channel);
      int pages = Math.toIntExact((length + pageSize - 1) / pageSize);
      byte[] hashes = new byte[pages * HASH_BYTES];
      MessageDigest sha = sha256();
      ByteBuffer page = ByteBuffer.allocate(pageSize);
      for (int i = 0; i < pages; i++) {
        page.clear();
        long position = (long) i * pageSize;
        while (page.hasRemaining() && channel.read(page, position + page.position()) > 0) {
          // read until the page (or the file) ends
        }
        sha.update(page.array(), 0, page.position());
        sha.digest(hashes, i * HASH_BYTES, HASH_BYTES);
      }
      return new PageHashes(pageSize, length, hashes);
    } catch (IOException | java.security.DigestException e) {
      throw new DatabaseFileException(file, "hash pages", e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** The page size of the file open in {@code channel}: its SQLite header's, else {@link #DEFAULT_PAGE_SIZE}. */
  static int pageSize(FileChannel channel) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(18);
    while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
      // read the first 18 bytes, or as many as there are
    }
    if (header.position() < 18 || !Arrays.equals(header.array(), 0, 16, SQLITE_MAGIC, 0, 16)) {
      return DEFAULT_PAGE_SIZE;
    }
    int size = header.getShort(16) & 0xFFFF;
    return size == 1 ? 65536 : size < 512 ? DEFAULT_PAGE_SIZE : size;
  }

  /** The 1-based numbers of the pages of this version that differ from {@code base} or are new, ascending. */
  public int[] changedSince(PageHashes base) {
    int count = pageCount();
    int[] changed = new int[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      boolean same = pageSize == base.pageSize && i < base.pageCount()
          && Arrays.equals(hashes, i * HASH_BYTES, (i + 1) * HASH_BYTES, base.hashes, i * HASH_BYTES, (i + 1) * HASH_BYTES)
          && pageLength(i + 1) == base.pageLength(i + 1);
      if (!same) {
        changed[n++] = i + 1;
      }
    }
    return Arrays.copyOf(changed, n);
  }

  /**
   * Whether the first {@code length} bytes of {@code content} are page {@code pageNumber}
   * (1-based) of this version: its length and its SHA-256.
   */
  public boolean matches(int pageNumber, byte[] content, int length) {
    if (pageNumber < 1 || pageNumber > pageCount() || pageLength(pageNumber) != length) {
      return false;
    }
    MessageDigest sha = sha256();
    sha.update(content, 0, length);
    int at = (pageNumber - 1) * HASH_BYTES;
    return Arrays.equals(sha.digest(), 0, HASH_BYTES, hashes, at, at + HASH_BYTES);
  }

  /** The bytes page {@code pageNumber} (1-based) has in this version: the page size, or less for a short last page. */
  public int pageLength(int pageNumber) {
    return (int) Math.min(pageSize, length - (long) (pageNumber - 1) * pageSize);
  }

  /** The whole-database checksum, lowercase hex. */
  public String checksum() {
    MessageDigest sha = sha256();
    sha.update(ByteBuffer.allocate(12).putInt(pageSize).putLong(length).array());
    sha.update(hashes);
    return HexFormat.of().formatHex(sha.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256 (MessageDigest Javadoc)", e);
    }
  }
}
