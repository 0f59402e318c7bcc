package io.sqlq.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The checker of a numbered workload: clients append rows {@code (client, seq)} with
 * {@code seq} 0, 1, 2, ... to a table {@code log}; the published database is compared with how
 * many each client sent. A sent row that is missing is lost, a row present twice or more counts
 * once for each extra copy as duplicated, and a row whose {@code seq} is not above the client's
 * previous one (in rowid order, the order of effect) is out of order.
 *
 * @param lost rows sent and never applied
 * @param duplicated extra copies of applied rows
 * @param outOfOrder rows applied after a later row of the same client
 */
record ClientSequences(int lost, int duplicated, int outOfOrder) {
  /**
   * @param sent rows sent per client: client {@code c} sent seqs 0 to {@code sent.get(c) - 1}
   */
  static ClientSequences check(Path database, Map<Integer, Integer> sent) throws Exception {
    Map<String, Integer> copies = new HashMap<>();
    Map<Integer, Integer> lastSeq = new HashMap<>();
    int outOfOrder = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
        ResultSet rs = c.createStatement().executeQuery("SELECT client, seq FROM log ORDER BY rowid")) {
      while (rs.next()) {
        int client = rs.getInt(1);
        int seq = rs.getInt(2);
        copies.merge(client + "/" + seq, 1, Integer::sum);
        if (seq <= lastSeq.getOrDefault(client, -1)) {
          outOfOrder++;
        }
        lastSeq.put(client, Math.max(seq, lastSeq.getOrDefault(client, -1)));
      }
    }
    int lost = 0;
    int duplicated = 0;
    for (var entry : sent.entrySet()) {
      for (int seq = 0; seq < entry.getValue(); seq++) {
        int n = copies.getOrDefault(entry.getKey() + "/" + seq, 0);
        lost += n == 0 ? 1 : 0;
        duplicated += Math.max(0, n - 1);
      }
    }
    return new ClientSequences(lost, duplicated, outOfOrder);
  }

  /** The counts of this and {@code other} added, for a workload over several databases. */
  ClientSequences plus(ClientSequences other) {
    return new ClientSequences(lost + other.lost, duplicated + other.duplicated, outOfOrder + other.outOfOrder);
  }

  /** {@code lost N, duplicated N, out-of-order N}. */
  String line() {
    return "lost " + lost + ", duplicated " + duplicated + ", out-of-order " + outOfOrder;
  }
}
