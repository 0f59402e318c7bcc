package io.sqlq.reaper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.lock.ReapReport;
import io.sqlq.core.store.StoreCollector;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaper Lambda (DESIGN.md, "The lock" and "Storage layout"), run by an EventBridge schedule:
 * per event one {@link LockReaper#reap()}, which deletes the lock Security Groups past
 * {@code expires-at} plus the grace, then one {@link StoreCollector#collect()}, which deletes the
 * database objects no manifest references and the history past its retention. Logs and returns
 * one JSON line, {@code {"locks":{"seen":N,"expired":N,"deleted":N,"errors":N},
 * "store":{"databases":N,"objects":N,"deleted":N,"errors":N}}}; deletions that failed are counted
 * there and tried again by the next scheduled run. Thin by design: the rules live in
 * {@link LockReaper} and {@link StoreCollector}.
 *
 * <p>Environment: see {@link ReaperConfig}. Needs {@code ec2:DescribeSecurityGroups},
 * {@code ec2:DeleteSecurityGroup}, and {@code s3:ListBucket}, {@code s3:GetObject},
 * {@code s3:DeleteObject} on the databases' prefix.
 */
public final class ReaperHandler implements RequestHandler<ScheduledEvent, String> {
  private static final Logger log = LoggerFactory.getLogger(ReaperHandler.class);

  private final LockReaper reaper;
  private final StoreCollector collector;

  /**
   * The Lambda entry point: reads {@link ReaperConfig} from the environment and builds the EC2
   * client once per container.
   *
   * @throws io.sqlq.core.ConfigurationException when a variable is missing or invalid
   */
  public ReaperHandler() {
    this(ReaperConfig.fromEnvironment(Environment.system()));
  }

  /** The clients live as long as the execution environment, so they are never closed. */
  private ReaperHandler(ReaperConfig config) {
    this(config, new AwsClients(config.region(), config.endpoints()));
  }

  /** A handler around {@code reaper} and {@code collector}, for tests and other hosts. */
  public ReaperHandler(LockReaper reaper, StoreCollector collector) {
    this.reaper = reaper;
    this.collector = collector;
  }

  private ReaperHandler(ReaperConfig config, AwsClients clients) {
    this(new LockReaper(clients.newEc2Client(), config.lockVpcId(), config.grace(), Clock.systemUTC()),
        new StoreCollector(clients.newS3Client(), config.bucket(), config.keyPrefix(), config.storeGrace(),
            config.historyRetention(), Clock.systemUTC()));
  }

  /**
   * @param event the schedule's event; its content is not used
   * @return the report as one JSON line
   * @throws io.sqlq.core.aws.AwsCallFailedException when the lock groups or the databases'
   *     prefix cannot be listed (locks are reaped first either way); the invocation fails, so the
   *     failure shows in the function's error metrics
   */
  @Override
  public String handleRequest(ScheduledEvent event, Context context) {
    ReapReport report = reaper.reap();
    StoreCollector.Collected collected = collector.collect();
    String line = "{\"locks\":" + report.toJson() + ",\"store\":" + collected.toJson() + "}";
    log.info(line);
    return line;
  }
}
