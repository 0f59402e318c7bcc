package io.sqlq.consumer;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.ReplyQueues;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.store.S3DatabaseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What a {@link ConsumerHandler} works with, built once per container.
 *
 * @param codec the codec of request bodies
 * @param batch steps 2 to 5 for one database
 * @param replies step 6
 * @param deadLetters where undecodable messages go
 * @param defaultReplyTo the reply queue of requests that name none
 * @param lockWaitBudget the longest wait for a database's lock
 * @param faults fault injection for tests ({@link FaultPoint}); unarmed unless a test arms it
 */
public record ConsumerComponents(
    RequestCodec codec,
    DatabaseBatch batch,
    ReplySender replies,
    DeadLetters deadLetters,
    String defaultReplyTo,
    Duration lockWaitBudget,
    Faults faults) {

  /** Components without fault injection. */
  public ConsumerComponents(RequestCodec codec, DatabaseBatch batch, ReplySender replies, DeadLetters deadLetters,
      String defaultReplyTo, Duration lockWaitBudget) {
    this(codec, batch, replies, deadLetters, defaultReplyTo, lockWaitBudget, new Faults());
  }

  /** Working copies live here in Lambda: {@code /tmp} is the only writable path. */
  public static final Path LAMBDA_WORK_DIRECTORY = Path.of("/tmp/sqlq");

  /**
   * Builds the components for the stack {@code config} names, on AWS or an emulator.
   *
   * @param workDirectory where working copies of databases are kept
   */
  public static ConsumerComponents of(SqlqConfig config, AwsClients clients, Path workDirectory, Clock clock) {
    return of(config, clients, workDirectory, clock, new Faults());
  }

  /**
   * As {@link #of(SqlqConfig, AwsClients, Path, Clock)}, with {@code faults} checked at every
   * {@link FaultPoint} and the S3 store wrapped in a {@link FaultyDatabaseStore}.
   */
  public static ConsumerComponents of(SqlqConfig config, AwsClients clients, Path workDirectory, Clock clock,
      Faults faults) {
    return of(config, clients, workDirectory, clock, faults, StatementBudget.forLease(config.lease()));
  }

  private static ConsumerComponents of(SqlqConfig config, AwsClients clients, Path workDirectory, Clock clock,
      Faults faults, StatementBudget budget) {
    ReplyCodec codec = new ReplyCodec();
    var sqs = clients.sqs();
    var batch = new DatabaseBatch(
        new SecurityGroupLock(clients.ec2(), config.lockVpcId(), config.lease(), clock),
        new FaultyDatabaseStore(new S3DatabaseStore(clients.s3(), config), faults),
        new BatchApplier(codec, clock, config.appliedRetention(), faults,
            new BatchApplier.Guard(budget.perStatement(), new ReplyQueues(config.replyQueueUrl()))),
        workDirectory, faults);
    return new ConsumerComponents(new RequestCodec(), batch, new ReplySender(sqs, codec),
        new DeadLetters(sqs, config.deadLetterQueueUrl(), clock), config.replyQueueUrl(), config.lockWaitBudget(),
        faults);
  }

  /**
   * Builds the components from {@code SQLQ_*} and AWS environment variables (Lambda), with
   * {@code SQLQ_STATEMENT_TIMEOUT_MS} for the statement budget ({@link StatementBudget#fromEnvironment}).
   */
  static ConsumerComponents fromEnvironment(Map<String, String> env) {
    SqlqConfig config = SqlqConfig.fromEnvironment(env);
    return of(config, new AwsClients(config), LAMBDA_WORK_DIRECTORY, Clock.systemUTC(), new Faults(),
        StatementBudget.fromEnvironment(env, config.lease()));
  }
}
