package io.sqlq.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The pages that versions {@code from}..{@code to} of a database changed, at their {@code to}
 * content: the body of a delta object (DESIGN.md, "Storage layout", "Delta format"). Encoded
 * big-endian as: magic {@code SQLQDLT1}; page size (u32); length after the commit (u64 bytes);
 * {@code from}, {@code to} (u64); the whole-database checksum after the commit (32 bytes); the
 * page count n (u32); n page numbers (u32, 1-based, ascending); the n pages (each the page size,
 * the last page of the file possibly shorter); SHA-256 of all bytes before it (32 bytes).
 *
 * <p>Applying it to a file at any version from {@code from - 1} to {@code to} gives version
 * {@code to}.
 *
 * @param pageSize bytes per page
 * @param length the file's length after version {@code to}, bytes
 * @param from first version covered
 * @param to last version covered, the version after applying
 * @param checksum the whole-database checksum of version {@code to} ({@link PageHashes#checksum}), hex
 * @param pageNumbers ascending, 1-based, each within {@code length}
 * @param pages the pages' bytes, concatenated in {@code pageNumbers} order
 */
public record DeltaFile(int pageSize, long length, long from, long to, String checksum, int[] pageNumbers, byte[] pages) {
  private static final byte[] MAGIC = "SQLQDLT1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = 8 + 4 + 8 + 8 + 8 + 32 + 4;

  public DeltaFile {
    if (pageSize < 1 || length < 0 || from < 1 || to < from) {
      throw new IllegalArgumentException("bad delta header: page size " + pageSize + ", length " + length
          + ", versions " + from + ".." + to);
    }
    long expected = 0;
    for (int i = 0; i < pageNumbers.length; i++) {
      if (pageNumbers[i] < 1 || (i > 0 && pageNumbers[i] <= pageNumbers[i - 1])
          || (long) (pageNumbers[i] - 1) * pageSize >= length) {
        throw new IllegalArgumentException("page numbers must be ascending and within the file: " + pageNumbers[i]);
      }
      expected += pageLength(pageSize, length, pageNumbers[i]);
    }
    if (expected != pages.length) {
      throw new IllegalArgumentException("pages hold " + pages.length + " bytes, their numbers need " + expected);
    }
  }

  /**
   * Reads pages {@code pageNumbers} of {@code file} (a database at version {@code to} with
   * {@code hashes}) into a delta.
   *
   * @throws DatabaseFileException when the file cannot be read
   */
  public static DeltaFile of(Path file, PageHashes hashes, int[] pageNumbers, long from, long to) {
    long total = 0;
    for (int page : pageNumbers) {
      total += hashes.pageLength(page);
    }
    byte[] pages = new byte[Math.toIntExact(total)];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int offset = 0;
      for (int page : pageNumbers) {
        int size = hashes.pageLength(page);
        ByteBuffer target = ByteBuffer.wrap(pages, offset, size);
        long position = (long) (page - 1) * hashes.pageSize();
        while (target.hasRemaining()) {
          if (channel.read(target, position + (target.position() - offset)) < 0) {
            throw new IOException("file ended inside page " + page);
          }
        }
        offset += size;
      }
    } catch (IOException e) {
      throw new DatabaseFileException(file, "read pages", e);
    }
    return new DeltaFile(hashes.pageSize(), hashes.length(), from, to, hashes.checksum(), pageNumbers, pages);
  }

  /** The encoded bytes, trailer included. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 4 * pageNumbers.length + pages.length + 32);
    out.put(MAGIC).putInt(pageSize).putLong(length).putLong(from).putLong(to).put(HexFormat.of().parseHex(checksum))
        .putInt(pageNumbers.length);
    for (int page : pageNumbers) {
      out.putInt(page);
    }
    out.put(pages);
    MessageDigest sha = PageHashes.sha256();
    sha.update(out.array(), 0, out.position());
    out.put(sha.digest());
    return out.array();
  }

  /**
   * Decodes a delta object, checking its SHA-256 trailer first.
   *
   * @param source the object key, for the error message
   * @throws CorruptDatabaseException when the bytes are not a whole, undamaged delta
   */
  public static DeltaFile decode(byte[] bytes, String source) {
    if (bytes.length < HEADER_BYTES + 32 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CorruptDatabaseException("delta " + source + " is not a sqlq delta (" + bytes.length + " bytes)");
    }
    MessageDigest sha = PageHashes.sha256();
    sha.update(bytes, 0, bytes.length - 32);
    if (!Arrays.equals(sha.digest(), 0, 32, bytes, bytes.length - 32, bytes.length)) {
      throw new CorruptDatabaseException("delta " + source + " does not match its SHA-256 trailer");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 32).position(MAGIC.length);
    int pageSize = in.getInt();
    long length = in.getLong();
    long from = in.getLong();
    long to = in.getLong();
    byte[] checksum = new byte[32];
    in.get(checksum);
    int n = in.getInt();
    if (n < 0 || (long) n * 4 > in.remaining()) {
      throw new CorruptDatabaseException("delta " + source + " claims " + n + " pages");
    }
    int[] numbers = new int[n];
    for (int i = 0; i < n; i++) {
      numbers[i] = in.getInt();
    }
    byte[] pages = new byte[in.remaining()];
    in.get(pages);
    try {
      return new DeltaFile(pageSize, length, from, to, HexFormat.of().formatHex(checksum), numbers, pages);
    } catch (IllegalArgumentException e) {
      throw new CorruptDatabaseException("delta " + source + ": " + e.getMessage());
    }
  }

  /**
   * Writes the pages into {@code file} and sets its length to {@link #length}.
   *
   * @throws DatabaseFileException when the file cannot be written
   */
  public void applyTo(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      int offset = 0;
      for (int page : pageNumbers) {
        int size = pageLength(pageSize, length, page);
        ByteBuffer source = ByteBuffer.wrap(pages, offset, size);
        long position = (long) (page - 1) * pageSize;
        while (source.hasRemaining()) {
          channel.write(source, position + (source.position() - offset));
        }
        offset += size;
      }
      channel.truncate(length);
    } catch (IOException e) {
      throw new DatabaseFileException(file, "apply delta", e);
    }
  }

  private static int pageLength(int pageSize, long length, int page) {
    return (int) Math.min(pageSize, length - (long) (page - 1) * pageSize);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeltaFile d && pageSize == d.pageSize && length == d.length && from == d.from && to == d.to
        && checksum.equals(d.checksum) && Arrays.equals(pageNumbers, d.pageNumbers) && Arrays.equals(pages, d.pages);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pageNumbers) * 31 + Long.hashCode(to);
  }

  @Override
  public String toString() {
    return "DeltaFile[" + from + ".." + to + ", " + pageNumbers.length + " pages of " + pageSize + ", length " + length
        + "]";
  }
}
