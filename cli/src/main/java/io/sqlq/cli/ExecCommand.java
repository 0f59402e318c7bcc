package io.sqlq.cli;

import io.sqlq.core.DatabaseName;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.PageDeltaStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sqlq exec}: an admin write outside the queue ({@link AdminExec}). Takes the database's
 * lock like a consumer batch, runs one maintenance statement such as {@code VACUUM} or a DDL
 * statement, publishes with a conditional write, releases; prints the reply as JSON.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
    description = {"Run one maintenance statement (VACUUM, ANALYZE, DDL) on a database under its lock, outside the queue.",
        "The stack is the one SQLQ_* and AWS_* variables describe: sqlq exec --db main VACUUM"})
final class ExecCommand implements Callable<Integer> {
  @Option(names = "--db", required = true, description = "Database name.")
  String db;

  @Parameters(index = "0", description = "One SQL statement.")
  String sql;

  @Option(names = {"-p", "--param"}, description = "A positional parameter as a JSON value.")
  List<String> params = List.of();

  @Option(names = "--wait", defaultValue = "PT60S",
      description = "How long to wait for the database's lock, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration wait;

  @Override
  public Integer call() throws Exception {
    DatabaseName.validate(db);
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    Path work = Files.createTempDirectory("sqlq-exec-");
    try (AwsClients clients = new AwsClients(config); var s3 = clients.newS3Client(); var ec2 = clients.newEc2Client()) {
      Clock clock = Clock.systemUTC();
      Reply reply = new AdminExec(new SecurityGroupLock(ec2, config.lockVpcId(), config.lease(), clock),
          new PageDeltaStore(s3, config.bucket(), config.keyPrefix()), work, clock)
          .exec(db, new Statement(sql, JsonParams.parse(params)), wait);
      System.out.println(new ReplyCodec().encodeReply(reply));
      return 0;
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
