package io.sqlq.local;

import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * The entry point of the JVM that {@link ElasticMqServer} starts: ElasticMQ's SQS API on
 * 127.0.0.1 at the port given as the only argument, with SQS's strict limits (1 MiB bodies, 10
 * messages per receive, 20 s long polls; ElasticMQ 1.7.1) and queue URLs naming that address,
 * account {@code 000000000000} and region {@code us-east-1}. Runs until the process is stopped.
 */
public final class ElasticMqMain {
  private ElasticMqMain() {}

  /** @param args the port, a decimal number */
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
        .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
        .withSQSLimits(StrictSQSLimits$.MODULE$)
        .withAWSAccountId("000000000000").withAWSRegion("us-east-1")
        .start().waitUntilStarted();
    System.out.println("elasticmq listening on 127.0.0.1:" + port);
  }
}
