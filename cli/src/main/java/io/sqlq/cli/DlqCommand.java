package io.sqlq.cli;

import io.sqlq.client.DeadLetter;
import io.sqlq.client.DeadLetterQueue;
import io.sqlq.client.ReplayOptions;
import io.sqlq.client.ReplayReport;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sqlq dlq list} and {@code sqlq dlq replay}: the dead-letter queue of the stack that
 * {@code SQLQ_*} and {@code AWS_*} variables describe (as {@code sqlq local up} prints them), through
 * {@link DeadLetterQueue}. Output: one tab-separated line per message (database, request id,
 * receive count, reason, first characters of the SQL), then a summary line.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "List or replay the dead-letter queue of the stack that SQLQ_* and AWS_* variables describe.")
final class DlqCommand {
  @Spec CommandSpec spec;

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Show the messages in the dead-letter queue without moving them.")
  int list(@Option(names = "--max", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
      int max) {
    List<DeadLetter> letters = withQueue(dlq -> dlq.list(max));
    PrintWriter out = spec.commandLine().getOut();
    letters.forEach(l -> out.println(line(l)));
    out.println(letters.size() + " messages");
    out.flush();
    return 0;
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {"Move messages back to the request queue, in order per database, deleting each from the"
          + " dead-letter queue after it was sent. Requests already applied are answered, not applied again."})
  int replay(
      @Option(names = "--db", description = "Only this database.") String db,
      @Option(names = "--max", description = "At most this many messages.") Integer max,
      @Option(names = "--dry-run", description = "Show what would be replayed; move nothing.") boolean dryRun) {
    ReplayOptions options = new ReplayOptions(db, max == null ? ReplayOptions.UNLIMITED : max, dryRun);
    ReplayReport report = withQueue(dlq -> dlq.replay(options));
    PrintWriter out = spec.commandLine().getOut();
    report.replayed().forEach(l -> out.println(line(l)));
    out.println((report.dryRun() ? "would replay " : "replayed ") + report.replayed().size() + " messages");
    out.flush();
    return 0;
  }

  static String line(DeadLetter l) {
    return String.join("\t", l.database(), l.requestId(), Integer.toString(l.receiveCount()),
        l.reason().replace('\n', ' '), l.sqlPreview().replace('\n', ' '));
  }

  private static <T> T withQueue(Function<DeadLetterQueue, T> action) {
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    try (AwsClients clients = new AwsClients(config); var sqs = clients.newSqsClient()) {
      return action.apply(new DeadLetterQueue(sqs, config.deadLetterQueueUrl(), config.requestQueueUrl()));
    }
  }
}
