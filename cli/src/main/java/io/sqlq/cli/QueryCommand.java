package io.sqlq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sqlq.client.Consistency;
import io.sqlq.client.QueryFailedException;
import io.sqlq.client.QueryResult;
import io.sqlq.client.Snapshots;
import io.sqlq.core.DatabaseName;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.PageDeltaStore;
import java.time.Clock;
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
 * stack's bucket, without the queue and without a reply queue ({@link Snapshots}, as
 * {@link io.sqlq.client.DatabaseClient#query} does). Prints
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

  /** One snapshot, read once: no byte or age bound is reached. */
  private static final long MAX_BYTES = Long.MAX_VALUE;

  @Override
  public Integer call() {
    DatabaseName.validate(db);
    Statement statement = new Statement(sql, JsonParams.parse(params));
    Consistency consistency = atLeast == null ? Consistency.latest() : Consistency.atLeast(atLeast);
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    try (AwsClients aws = new AwsClients(config);
        var s3 = aws.newS3Client();
        Snapshots snapshots = new Snapshots(new PageDeltaStore(s3, config.bucket(),
            config.keyPrefix()), MAX_BYTES, Duration.ofDays(1),
            config.statementTimeout(), timeout, Clock.systemUTC())) {
      QueryResult result = snapshots.query(db, consistency, statement);
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
