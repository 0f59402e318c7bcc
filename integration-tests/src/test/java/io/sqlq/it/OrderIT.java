package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Per-database order: requests of each client take effect in the order it submitted them. */
class OrderIT {
  private static final int CLIENTS = 4;
  private static final int PER_CLIENT = 250;
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @Test
  void thousandRequestsFromFourConcurrentClientsApplyOnceEachInEachClientsOrder(@TempDir Path dir) throws Exception {
    pipeline.client("ordered").submit("CREATE TABLE log(client INTEGER, seq INTEGER)").get(60, TimeUnit.SECONDS);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<List<Reply>>> perClient = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      SqlqClient sdk = pipeline.client("ordered");
      perClient.add(pool.submit(() -> {
        List<CompletableFuture<Reply>> futures = new ArrayList<>();
        for (int seq = 0; seq < PER_CLIENT; seq++) {
          futures.add(sdk.submit("INSERT INTO log(client, seq) VALUES (?, ?)", client, seq));
        }
        List<Reply> replies = new ArrayList<>();
        for (var f : futures) {
          replies.add(f.get(120, TimeUnit.SECONDS));
        }
        return replies;
      }));
    }
    Map<Integer, List<Reply>> replies = new HashMap<>();
    for (int c = 0; c < CLIENTS; c++) {
      replies.put(c, perClient.get(c).get(180, TimeUnit.SECONDS));
    }
    pool.shutdown();

    for (var entry : replies.entrySet()) {
      List<Long> rowids = entry.getValue().stream().peek(r -> assertThat(r.ok()).isTrue())
          .map(r -> r.results().get(0).lastInsertRowid()).toList();
      assertThat(rowids).as("rowids of client %d in submit order", entry.getKey()).isSorted().doesNotHaveDuplicates();
    }
    Path db = pipeline.export("ordered", dir);
    assertThat(Pipeline.query(db, "SELECT count(*) FROM log")).isEqualTo(Integer.toString(CLIENTS * PER_CLIENT));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("SELECT client, seq FROM log ORDER BY rowid")) {
      Map<Integer, Integer> next = new HashMap<>();
      while (rs.next()) {
        int client = rs.getInt(1);
        assertThat(rs.getInt(2)).as("next seq of client %d", client).isEqualTo(next.getOrDefault(client, 0));
        next.put(client, rs.getInt(2) + 1);
      }
      assertThat(next.values()).containsOnly(PER_CLIENT);
    }
  }
}
