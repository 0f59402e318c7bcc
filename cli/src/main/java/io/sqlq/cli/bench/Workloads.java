package io.sqlq.cli.bench;

import io.sqlq.cli.bench.Workload.Series;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sql.SqlScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The bench's workloads: Chinook 1.4.4, a generated insert-heavy workload on databases that
 * start at about 1, 16 and 128 MB, a 90/10 read/write mix, and inserts spread over 1, 4 and 16
 * databases. Generated data is deterministic (a fixed random seed), so two runs apply the same
 * statements.
 */
final class Workloads {
  /** The generated table: a primary key, an indexed key, a counter and about 200 bytes of text. */
  static final String SCHEMA = "CREATE TABLE items(id INTEGER PRIMARY KEY, k TEXT NOT NULL, n INTEGER NOT NULL,"
      + " payload TEXT NOT NULL); CREATE INDEX items_k ON items(k)";
  static final String INSERT = "INSERT INTO items(k, n, payload) VALUES (?, ?, ?)";
  static final String READ = "SELECT id, k, n, payload FROM items WHERE id = ?";
  static final String UPDATE = "UPDATE items SET n = n + 1 WHERE id = ?";
  /** The storage series' table (issue 11's script): orders with a random customer key, indexed. */
  static final List<String> ORDERS_SCHEMA = List.of("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT,"
      + " item TEXT, note TEXT, amount REAL)", "CREATE INDEX orders_customer ON orders(customer)");
  static final String ORDER_INSERT = "INSERT INTO orders(customer, item, note, amount) VALUES (?, ?, ?, ?)";
  private static final int PAYLOAD_CHARS = 200;
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  /**
   * How big the workloads are.
   *
   * @param sizesMb the starting sizes of the insert workload's database, in MB (2^20 bytes)
   * @param inserts the inserts of each size
   * @param mix the requests of the read/write mix
   * @param databaseCounts the database counts of the spread workload
   * @param spreadTotal the inserts of the spread workload, over all its databases
   */
  record Plan(List<Integer> sizesMb, int inserts, int mix, List<Integer> databaseCounts, int spreadTotal) {
    /** The full run: 1/16/128 MB with 10,000 inserts, a mix of 10,000, 16,000 inserts over 1/4/16 databases. */
    static final Plan FULL = new Plan(List.of(1, 16, 128), 10_000, 10_000, List.of(1, 4, 16), 16_000);
    /** {@code --quick}: 1/16 MB with 1,000 inserts, a mix of 1,000, 1,600 inserts over 1/4 databases. */
    static final Plan QUICK = new Plan(List.of(1, 16), 1_000, 1_000, List.of(1, 4), 1_600);
  }

  private Workloads() {}

  /**
   * The workloads of {@code plan} in {@code series}, seeds written under {@code seeds}.
   *
   * @param chinook the Chinook 1.4.4 script ({@code examples/chinook/Chinook_Sqlite_1.4.4_rows.sql})
   * @throws IOException when the script cannot be read or a seed cannot be written
   */
  static List<Workload> build(Plan plan, Set<Series> series, Path chinook, Path seeds) throws IOException, SQLException {
    List<Workload> workloads = new ArrayList<>();
    if (series.contains(Series.CHINOOK)) {
      workloads.add(chinook(chinook));
    }
    if (series.contains(Series.SIZE)) {
      for (int mb : plan.sizesMb()) {
        Path seed = seed(seeds.resolve("size-" + mb + "MB.sqlite"), (long) mb << 20, 1);
        workloads.add(new Workload("insert-" + mb + "MB", Series.SIZE, seed, Files.size(seed), 1,
            inserts(plan.inserts(), 2)));
      }
    }
    if (series.contains(Series.MIX)) {
      Path seed = seed(seeds.resolve("mix.sqlite"), 1L << 20, 3);
      workloads.add(new Workload("mix-90/10", Series.MIX, seed, Files.size(seed), 1, mix(plan.mix(), rows(seed))));
    }
    if (series.contains(Series.DATABASES)) {
      Path seed = seed(seeds.resolve("empty.sqlite"), 0, 4);
      for (int count : plan.databaseCounts()) {
        workloads.add(new Workload("databases-" + count, Series.DATABASES, seed, Files.size(seed), count,
            inserts(plan.spreadTotal() / count, 5)));
      }
    }
    return workloads;
  }

  /** Every statement of the Chinook script, one request each, as {@code sqlq local run} sends them. */
  static Workload chinook(Path script) throws IOException {
    List<Statement> statements = SqlScript.split(Files.readString(script, StandardCharsets.UTF_8)).stream()
        .map(Statement::of).toList();
    return new Workload("chinook", Series.CHINOOK, null, 0, 1, statements);
  }

  /** {@code count} inserts of a new row with an indexed key and about 200 bytes of text. */
  static List<Statement> inserts(int count, long randomSeed) {
    Random random = new Random(randomSeed);
    List<Statement> statements = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      statements.add(Statement.of(INSERT, key(random), (long) random.nextInt(1_000_000), text(random, PAYLOAD_CHARS)));
    }
    return statements;
  }

  /**
   * The next {@code count} single-row inserts into {@link #ORDERS_SCHEMA}'s table drawn from
   * {@code random}: rows of about 150 bytes (one of 50,000 customers, an item, as the note a
   * random number's hex digits six times, up to 96 characters, and an amount). The same seed gives
   * the same statements, however they are split into calls.
   */
  static List<Statement> orders(Random random, int count) {
    List<Statement> statements = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      statements.add(Statement.of(ORDER_INSERT, "customer-" + random.nextInt(50_000),
          "item-" + random.nextInt(1_000_000), Long.toHexString(random.nextLong()).repeat(6),
          random.nextInt(100_000) / 100.0));
    }
    return statements;
  }

  /** {@code count} requests on a table of {@code rows} rows: 9 of 10 read one row, the 10th updates one. */
  static List<Statement> mix(int count, long rows) {
    Random random = new Random(6);
    List<Statement> statements = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long id = 1 + (long) (random.nextDouble() * rows);
      statements.add(Statement.of(i % 10 == 9 ? UPDATE : READ, id));
    }
    return statements;
  }

  /**
   * Writes a database with the generated table holding rows until the file is at least
   * {@code bytes} long (just the empty table for 0), and returns it.
   */
  static Path seed(Path file, long bytes, long randomSeed) throws SQLException, IOException {
    Files.deleteIfExists(file);
    Random random = new Random(randomSeed);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (var statement = connection.createStatement()) {
        for (String ddl : SCHEMA.split(";")) {
          statement.execute(ddl);
        }
      }
      int chunk = (int) Math.max(500, bytes / 300 / 8);
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        while (Files.size(file) < bytes) {
          for (int i = 0; i < chunk; i++) {
            insert.setString(1, key(random));
            insert.setLong(2, random.nextInt(1_000_000));
            insert.setString(3, text(random, PAYLOAD_CHARS));
            insert.addBatch();
          }
          insert.executeBatch();
          connection.commit();
        }
      }
      connection.setAutoCommit(true);
    }
    return file;
  }

  /** The rows of the generated table in {@code seed}. */
  static long rows(Path seed) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + seed.toAbsolutePath());
        var statement = connection.createStatement();
        var rs = statement.executeQuery("SELECT count(*) FROM items")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String key(Random random) {
    return String.format(Locale.ROOT, "k%016x", random.nextLong());
  }

  private static String text(Random random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = LETTERS.charAt(random.nextInt(LETTERS.length()));
    }
    return new String(chars);
  }
}
