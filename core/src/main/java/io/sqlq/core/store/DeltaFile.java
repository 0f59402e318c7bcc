package io.sqlq.core.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.IntStream;

/**
 * The bytes that versions {@code from}..{@code to} of a database changed, at their {@code to}
 * content: the body of a delta object (DESIGN.md, "Storage layout", "Delta format"). A delta
 * is a list of ranges, each a run of bytes inside one page; a page the writer had no earlier
 * content of is one range covering the whole page. Encoded big-endian as: magic
 * {@code SQLQDLT2}; page size (u32); length after the commit (u64 bytes); {@code from}, {@code to}
 * (u64); the whole-database checksum after the commit (32 bytes); the range count n (u32); n
 * ranges, each page number (u32, 1-based), offset in the page and length (u32 bytes); the ranges'
 * bytes in that order; SHA-256 of all bytes before it (32 bytes). The object is that encoding
 * compressed as one Zstandard frame (RFC 8878) that records its content size.
 *
 * <p>Applying it to a file at any version from {@code from - 1} to {@code to} gives version
 * {@code to}, because every byte that changed in the range is in it at its {@code to} content.
 *
 * @param pageSize bytes per page
 * @param length the file's length after version {@code to}, bytes
 * @param from first version covered
 * @param to last version covered, the version after applying
 * @param checksum the whole-database checksum of version {@code to} ({@link PageHashes#checksum}), hex
 * @param ranges triples (page number, offset, length): pages ascending, 1-based, within
 *     {@code length}; in a page, offsets ascending and ranges apart; every length at least 1
 * @param data the ranges' bytes, concatenated in {@code ranges} order
 */
public record DeltaFile(int pageSize, long length, long from, long to, String checksum, int[] ranges, byte[] data) {
  private static final byte[] MAGIC = "SQLQDLT2".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = 8 + 4 + 8 + 8 + 8 + 32 + 4;
  /**
   * Unchanged bytes shorter than this between two changed ones are sent rather than starting a
   * new range: a range costs 12 bytes of header.
   */
  static final int RANGE_GAP = 12;
  /** The Zstandard level of deltas: level 1 compresses several hundred MB/s (DESIGN.md, "Storage layout"). */
  static final int ZSTD_LEVEL = 1;

  public DeltaFile {
    if (pageSize < 1 || length < 0 || from < 1 || to < from || ranges.length % 3 != 0) {
      throw new IllegalArgumentException("bad delta header: page size " + pageSize + ", length " + length
          + ", versions " + from + ".." + to + ", " + ranges.length + " range fields");
    }
    long expected = 0;
    for (int i = 0; i < ranges.length; i += 3) {
      int page = ranges[i];
      int offset = ranges[i + 1];
      int size = ranges[i + 2];
      boolean ordered = i == 0 || page > ranges[i - 3] || (page == ranges[i - 3] && offset > ranges[i - 2] + ranges[i - 1]);
      if (page < 1 || (long) (page - 1) * pageSize >= length || offset < 0 || size < 1
          || offset + (long) size > pageLength(pageSize, length, page) || !ordered) {
        throw new IllegalArgumentException("range " + page + "/" + offset + "+" + size
            + " is out of order or outside the file");
      }
      expected += size;
    }
    if (expected != data.length) {
      throw new IllegalArgumentException("data holds " + data.length + " bytes, the ranges need " + expected);
    }
  }

  /**
   * Reads pages {@code pageNumbers} of {@code file} (a database at version {@code to} with
   * {@code hashes}) into a delta: when {@code base} (a copy of the file at version
   * {@code from - 1}, whose page hashes are {@code baseHashes}) is given, only the bytes that
   * differ from it, else whole pages. A page of the copy that does not match its hash in
   * {@code baseHashes} is not trusted: that page goes whole, so a damaged copy costs bytes, never
   * a delta that no reader's checksum accepts.
   *
   * @param base null, or a copy of the version the pages changed from
   * @param baseHashes the page hashes of that version; null when {@code base} is
   * @throws DatabaseFileException when a file cannot be read
   */
  public static DeltaFile of(Path file, Path base, PageHashes baseHashes, PageHashes hashes, int[] pageNumbers,
      long from, long to) {
    int pageSize = hashes.pageSize();
    RangeWriter out = new RangeWriter();
    try (FileChannel now = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel before = base == null ? null : FileChannel.open(base, StandardOpenOption.READ)) {
      long baseLength = before == null ? 0 : before.size();
      byte[] page = new byte[pageSize];
      byte[] old = new byte[pageSize];
      for (int number : pageNumbers) {
        int size = hashes.pageLength(number);
        long position = (long) (number - 1) * pageSize;
        readFully(now, page, size, position, file);
        boolean trusted = false;
        if (position + size <= baseLength) {
          readFully(before, old, size, position, base);
          trusted = baseHashes.matches(number, old, size);
        }
        if (trusted) {
          out.diff(number, page, old, size);
        } else {
          out.add(number, page, 0, size);
        }
      }
    } catch (IOException e) {
      throw new DatabaseFileException(file, "read pages", e);
    }
    return new DeltaFile(pageSize, hashes.length(), from, to, hashes.checksum(), out.ranges(), out.data());
  }

  private static void readFully(FileChannel channel, byte[] into, int size, long position, Path file)
      throws IOException {
    ByteBuffer target = ByteBuffer.wrap(into, 0, size);
    while (target.hasRemaining()) {
      if (channel.read(target, position + target.position()) < 0) {
        throw new IOException(file + " ended inside the page at byte " + position);
      }
    }
  }

  /** The ranges and their bytes, as {@link #of} collects them. */
  private static final class RangeWriter {
    private int[] ranges = new int[96];
    private int count;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds the ranges where {@code page} differs from {@code old} in the first {@code size} bytes. */
    void diff(int number, byte[] page, byte[] old, int size) {
      int i = Arrays.mismatch(page, 0, size, old, 0, size);
      if (i < 0) {
        return;
      }
      while (i < size) {
        int end = i + 1;
        for (int j = end; j < size && j - end < RANGE_GAP; j++) {
          if (page[j] != old[j]) {
            end = j + 1;
          }
        }
        add(number, page, i, end - i);
        int next = end >= size ? -1 : Arrays.mismatch(page, end, size, old, end, size);
        i = next < 0 ? size : end + next;
      }
    }

    void add(int number, byte[] page, int offset, int size) {
      if (count + 3 > ranges.length) {
        ranges = Arrays.copyOf(ranges, ranges.length * 2);
      }
      ranges[count++] = number;
      ranges[count++] = offset;
      ranges[count++] = size;
      data.write(page, offset, size);
    }

    int[] ranges() {
      return Arrays.copyOf(ranges, count);
    }

    byte[] data() {
      return data.toByteArray();
    }
  }

  /** The 1-based numbers of the pages this delta writes, ascending. */
  public int[] pageNumbers() {
    return IntStream.range(0, ranges.length / 3).map(i -> ranges[3 * i]).distinct().toArray();
  }

  /** The encoded object: the encoding, trailer included, as one Zstandard frame. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 4 * ranges.length + data.length + 32);
    out.put(MAGIC).putInt(pageSize).putLong(length).putLong(from).putLong(to).put(HexFormat.of().parseHex(checksum))
        .putInt(ranges.length / 3);
    for (int field : ranges) {
      out.putInt(field);
    }
    out.put(data);
    MessageDigest sha = PageHashes.sha256();
    sha.update(out.array(), 0, out.position());
    out.put(sha.digest());
    return Zstd.compress(out.array(), ZSTD_LEVEL);
  }

  /**
   * Decodes a delta object, checking its SHA-256 trailer first.
   *
   * @param source the object key, for the error message
   * @throws CorruptDatabaseException when the bytes are not a whole, undamaged delta
   */
  public static DeltaFile decode(byte[] object, String source) {
    byte[] bytes = decompress(object, source);
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
    if (n < 0 || (long) n * 12 > in.remaining()) {
      throw new CorruptDatabaseException("delta " + source + " claims " + n + " ranges");
    }
    int[] ranges = new int[n * 3];
    for (int i = 0; i < ranges.length; i++) {
      ranges[i] = in.getInt();
    }
    byte[] data = new byte[in.remaining()];
    in.get(data);
    try {
      return new DeltaFile(pageSize, length, from, to, HexFormat.of().formatHex(checksum), ranges, data);
    } catch (IllegalArgumentException e) {
      throw new CorruptDatabaseException("delta " + source + ": " + e.getMessage());
    }
  }

  private static byte[] decompress(byte[] object, String source) {
    long size = object.length < 4 ? -1 : Zstd.getFrameContentSize(object);
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      throw new CorruptDatabaseException("delta " + source + " is not one Zstandard frame with its size ("
          + object.length + " bytes)");
    }
    try {
      return Zstd.decompress(object, (int) size);
    } catch (ZstdException e) {
      throw new CorruptDatabaseException("delta " + source + " does not decompress: " + e.getMessage());
    }
  }

  /**
   * Writes the ranges into {@code file} and cuts it to {@link #length} when it is longer.
   *
   * @throws DatabaseFileException when the file cannot be written
   */
  public void applyTo(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      int offset = 0;
      for (int i = 0; i < ranges.length; i += 3) {
        ByteBuffer source = ByteBuffer.wrap(data, offset, ranges[i + 2]);
        long position = (long) (ranges[i] - 1) * pageSize + ranges[i + 1];
        while (source.hasRemaining()) {
          channel.write(source, position + (source.position() - offset));
        }
        offset += ranges[i + 2];
      }
      if (channel.size() > length) {
        channel.truncate(length);
      }
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
        && checksum.equals(d.checksum) && Arrays.equals(ranges, d.ranges) && Arrays.equals(data, d.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ranges) * 31 + Long.hashCode(to);
  }

  @Override
  public String toString() {
    return "DeltaFile[" + from + ".." + to + ", " + ranges.length / 3 + " ranges of " + data.length + " bytes, pages of "
        + pageSize + ", length " + length + "]";
  }
}
