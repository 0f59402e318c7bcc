package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sql.SqlScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real input: both Chinook scripts through the whole pipeline give the database the
 * sqlite3 shell gives (counts from DESIGN.md: Track 3503, InvoiceLine 2240, PlaylistTrack
 * 8715, Customer 59, sum(Invoice.Total) 2328.6).
 */
class ChinookIT {
  private static final Path EXAMPLES = Path.of("..", "examples", "chinook");
  @RegisterExtension static final Pipeline pipeline = new Pipeline(1);

  @ParameterizedTest
  @ValueSource(strings = {"Chinook_Sqlite_1.4.4_rows.sql", "Chinook_Sqlite_1.4.5_multirow.sql"})
  void chinookScriptLoadsWithNoErrorAndTheSameContentAsTheSqliteShell(String script, @TempDir Path dir)
      throws Exception {
    String db = script.startsWith("Chinook_Sqlite_1.4.4") ? "chinook144" : "chinook145";
    List<String> statements = SqlScript.split(Files.readString(EXAMPLES.resolve(script), StandardCharsets.UTF_8));
    SqlqClient client = pipeline.client(db);
    List<CompletableFuture<Reply>> futures = new ArrayList<>();
    for (String sql : statements) {
      futures.add(client.submit(Statement.of(sql)));
    }
    List<String> errors = new ArrayList<>();
    for (var f : futures) {
      Reply reply = f.get(300, TimeUnit.SECONDS);
      if (!reply.ok()) {
        errors.add(reply.error().toString());
      }
    }

    assertThat(errors).isEmpty();
    Path file = pipeline.export(db, dir);
    assertThat(Pipeline.query(file, "SELECT count(*) FROM Track")).isEqualTo("3503");
    assertThat(Pipeline.query(file, "SELECT count(*) FROM InvoiceLine")).isEqualTo("2240");
    assertThat(Pipeline.query(file, "SELECT count(*) FROM PlaylistTrack")).isEqualTo("8715");
    assertThat(Pipeline.query(file, "SELECT count(*) FROM Customer")).isEqualTo("59");
    assertThat(Pipeline.query(file, "SELECT printf('%.1f', sum(Total)) FROM Invoice")).isEqualTo("2328.6");
    // One client is one producer: its requests leave one producer row, not a row each.
    assertThat(Pipeline.query(file, "SELECT count(*) FROM _sqlq_producers")).isEqualTo("1");
    assertThat(Pipeline.query(file, "SELECT last_seq FROM _sqlq_producers")).isEqualTo(Integer.toString(statements.size()));
    assertThat(Pipeline.query(file, "SELECT count(*) FROM _sqlq_requests")).isEqualTo("0");
  }
}
