package io.sqlq.reaper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.lock.ReapReport;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaper Lambda (DESIGN.md, "The lock"), run by an EventBridge schedule: one
 * {@link LockReaper#reap()} per event, which deletes the lock Security Groups past
 * {@code expires-at} plus the grace. Logs and returns the report as one JSON line,
 * {@code {"seen":N,"expired":N,"deleted":N,"errors":N}}; deletions that failed are counted
 * there and tried again by the next scheduled run. Thin by design: the rules live in
 * {@link LockReaper}, which the CLI and the local pipeline use too.
 *
 * <p>Environment: {@code AWS_REGION}, {@code AWS_ENDPOINT_URL} (optional),
 * {@code SQLQ_LOCK_VPC_ID}, {@code SQLQ_REAPER_GRACE_MS} (optional, default 30,000 ms); see
 * {@link ReaperConfig}. Needs {@code ec2:DescribeSecurityGroups} and
 * {@code ec2:DeleteSecurityGroup}.
 */
public final class ReaperHandler implements RequestHandler<ScheduledEvent, String> {
  private static final Logger log = LoggerFactory.getLogger(ReaperHandler.class);

  private final LockReaper reaper;

  /**
   * The Lambda entry point: reads {@link ReaperConfig} from the environment and builds the EC2
   * client once per container.
   *
   * @throws io.sqlq.core.ConfigurationException when a variable is missing or invalid
   */
  public ReaperHandler() {
    this(reaper(ReaperConfig.fromEnvironment(Environment.system())));
  }

  /** A handler around {@code reaper}, for tests and other hosts. */
  public ReaperHandler(LockReaper reaper) {
    this.reaper = reaper;
  }

  /** The EC2 client lives as long as the execution environment, so it is never closed. */
  private static LockReaper reaper(ReaperConfig config) {
    AwsClients clients = new AwsClients(config.region(), config.endpoints());
    return new LockReaper(clients.newEc2Client(), config.lockVpcId(), config.grace(), Clock.systemUTC());
  }

  /**
   * @param event the schedule's event; its content is not used
   * @return the report as one JSON line
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock groups cannot be listed; the
   *     invocation fails, so the failure shows in the function's error metrics
   */
  @Override
  public String handleRequest(ScheduledEvent event, Context context) {
    ReapReport report = reaper.reap();
    String line = report.toJson();
    log.info(line);
    return line;
  }
}
