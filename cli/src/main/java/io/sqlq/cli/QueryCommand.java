package io.sqlq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sqlq.client.Consistency;
import io.sqlq.client.QueryFailedException;
import io.sqlq.client.QueryResult;
import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sqlq query}: runs one read-only statement on a snapshot of a database fetched from the
 * stack's bucket, without the queue ({@link io.sqlq.client.DatabaseClient#query}). Prints
 * {@code {"db","dbVersion","ageMs","columns","rows"}} as JSON and exits 0; a refused or failing
 * statement prints {@code sqlq: <message>} and exits 1.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Run one read-only statement on a snapshot of a database, without the queue.",
        "Writes are refused by SQLite (SQLITE_READONLY): send them with submit.",
        "sqlq query --db main 'SELECT * FROM t WHERE a = ?' -p 1"})
final class QueryCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--db", required = true, description = "Database name.")
  String db;

  @Parameters(index = "0", description = "One SQL statement.")
  String sql;

  @Option(names = {"-p", "--param"}, description = "A positional parameter as a JSON value: 1, 2.5, \"text\", null, true.")
  List<String> params = List.of();

  @Option(names = "--at-least", description = "Wait until the database's version is at least this one"
      + " (the dbVersion of a write's reply); default: the latest published version.")
  Long atLeast;

  @Option(names = "--timeout", defaultValue = "PT60S",
      description = "How long --at-least waits, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    Consistency consistency = atLeast == null ? Consistency.latest() : Consistency.atLeast(atLeast);
    try (SqlqClient client = SqlqClient.fromEnvironment(settings -> settings
        .requestTimeout(timeout).replyWaitTime(Duration.ofSeconds(1)))) {
      QueryResult result = client.database(db).query(consistency, new Statement(sql, JsonParams.parse(params)));
      spec.commandLine().getOut().println(format(result));
      return 0;
    } catch (QueryFailedException e) {
      spec.commandLine().getErr().println("sqlq: " + e.getMessage());
      return 1;
    }
  }

  /** One line of JSON; a byte[] value is {@code {"base64":"..."}} as on the wire. */
  static String format(QueryResult result) {
    ObjectNode out = JSON.createObjectNode();
    out.put("db", result.db());
    out.put("dbVersion", result.dbVersion());
    out.put("ageMs", result.age().toMillis());
    ArrayNode columns = out.putArray("columns");
    result.columns().forEach(columns::add);
    ArrayNode rows = out.putArray("rows");
    for (List<Object> row : result.rows()) {
      ArrayNode values = rows.addArray();
      for (Object value : row) {
        switch (value) {
          case null -> values.addNull();
          case Long l -> values.add(l);
          case Double d -> values.add(d);
          case String s -> values.add(s);
          case byte[] b -> values.addObject().put("base64", Base64.getEncoder().encodeToString(b));
          default -> values.add(value.toString());
        }
      }
    }
    return out.toString();
  }
}
