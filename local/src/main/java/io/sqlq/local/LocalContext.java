package io.sqlq.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.LoggerFactory;

/**
 * The Lambda {@link Context} of one local invocation: a request id, a deadline that
 * {@link #getRemainingTimeInMillis()} counts down to, and a logger that writes through SLF4J.
 */
final class LocalContext implements Context {
  private static final LambdaLogger LOGGER = new LambdaLogger() {
    private final org.slf4j.Logger log = LoggerFactory.getLogger("sqlq.lambda");

    @Override
    public void log(String message) {
      log.info(message);
    }

    @Override
    public void log(byte[] message) {
      log.info(new String(message, StandardCharsets.UTF_8));
    }
  };

  private final String requestId;
  private final Instant deadline;
  private final Clock clock;
  private final int memoryMb;

  LocalContext(String requestId, Instant deadline, Clock clock, int memoryMb) {
    this.requestId = requestId;
    this.deadline = deadline;
    this.clock = clock;
    this.memoryMb = memoryMb;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "local";
  }

  @Override
  public String getLogStreamName() {
    return "local";
  }

  @Override
  public String getFunctionName() {
    return "sqlq-consumer";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:local:000000000000:function:sqlq-consumer";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadline.toEpochMilli() - clock.millis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return LOGGER;
  }
}
