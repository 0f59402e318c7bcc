package io.sqlq.local;

import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A running moto_server and SDK clients pointed at it, for one test class: start it in
 * {@code @BeforeAll}, close it in {@code @AfterAll}. Fails (never skips) when moto_server is not
 * installed.
 */
public final class MotoFixture implements AutoCloseable {
  private final MotoServer server;
  private final AwsClients clients;
  private final S3Client s3;
  private final SqsClient sqs;
  private final Ec2Client ec2;

  private MotoFixture(MotoServer server) {
    this.server = server;
    this.clients = new AwsClients(AwsClients.EMULATOR_REGION, Endpoints.of(server.endpoint()));
    this.s3 = clients.newS3Client();
    this.sqs = clients.newSqsClient();
    this.ec2 = clients.newEc2Client();
  }

  public static MotoFixture start() {
    return new MotoFixture(MotoServer.start());
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
