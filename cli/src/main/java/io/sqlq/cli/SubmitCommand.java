package io.sqlq.cli;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.sql.SqlScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sqlq submit}: sends SQL to a configured stack (environment variables, as
 * {@code sqlq local up} prints them) and waits for the replies. One statement prints its reply
 * as JSON; a file prints the summary of {@link ScriptRun}.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submit one statement, or a SQL file, to the stack that SQLQ_* and AWS_* variables describe.",
        "Values are bound, never spliced: sqlq submit --db main 'INSERT INTO t VALUES (?, ?)' -p 1 -p '\"x\"'"})
final class SubmitCommand implements Callable<Integer> {
  @Option(names = "--db", required = true, description = "Database name.")
  String db;

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Parameters(index = "0", arity = "0..1", description = "One SQL statement.")
    String sql;

    @Option(names = "--file", description = "A SQL script; each statement is its own request.")
    Path file;
  }

  @Option(names = {"-p", "--param"}, description = "A positional parameter as a JSON value: 1, 2.5, \"text\", null, true.")
  List<String> params = List.of();

  @Option(names = "--timeout", defaultValue = "PT60S", description = "Reply timeout, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (source.file != null && !params.isEmpty()) {
      throw new IllegalArgumentException("-p binds the values of one statement; it cannot be used with --file");
    }
    try (SqlqClient client = SqlqClient.fromEnvironment(settings -> settings.defaultDatabase(db)
        .requestTimeout(timeout).maxBlock(timeout).replyWaitTime(Duration.ofSeconds(1)))) {
      if (source.file != null) {
        List<String> statements = SqlScript.split(Files.readString(source.file, StandardCharsets.UTF_8));
        ScriptRun.Summary summary = ScriptRun.run(client, db, statements, null, System.err);
        System.out.println(summary.format());
        return summary.clean() ? 0 : 1;
      }
      Reply reply = client.submit(new Statement(source.sql, JsonParams.parse(params))).join();
      System.out.println(new ReplyCodec().encodeReply(reply));
      return reply.ok() ? 0 : 1;
    }
  }
}
