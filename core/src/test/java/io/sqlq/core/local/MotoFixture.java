package io.sqlq.core.local;

import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import java.net.URI;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A running moto_server and SDK clients pointed at it, for one test class: start it in
 * {@code @BeforeAll}, close it in {@code @AfterAll}. Fails (never skips) when moto_server is not
 * installed.
 */
public final class MotoFixture implements AutoCloseable {
  /** The region the clients use; moto accepts any. */
  public static final String REGION = "us-east-1";

  private final MotoServer server;
  private final AwsClients clients;
  private final S3Client s3;
  private final SqsClient sqs;
  private final Ec2Client ec2;

  private MotoFixture(MotoServer server) {
    this.server = server;
    this.clients = new AwsClients(clientConfig(server.endpoint()));
    this.s3 = clients.s3();
    this.sqs = clients.sqs();
    this.ec2 = clients.ec2();
  }

  public static MotoFixture start() {
    return new MotoFixture(MotoServer.start());
  }

  /**
   * A config that only serves to build clients for {@code endpoint}: region and endpoint are
   * real, the stack fields are placeholders.
   */
  public static SqlqConfig clientConfig(URI endpoint) {
    return new SqlqConfig(REGION, endpoint, "unused-bucket", "", "unused", "unused", "unused", "unused", null, null);
  }

  public MotoServer server() {
    return server;
  }

  public S3Client s3() {
    return s3;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public Ec2Client ec2() {
    return ec2;
  }

  /** Creates a VPC (moto needs no subnets for Security Groups) and returns its id. */
  public String createVpc() {
    return ec2.createVpc(b -> b.cidrBlock("10.99.0.0/16")).vpc().vpcId();
  }

  @Override
  public void close() {
    s3.close();
    sqs.close();
    ec2.close();
    clients.close();
    server.close();
  }
}
