package io.sqlq.core.aws;

import io.sqlq.core.SqlqConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients for a {@link SqlqConfig}: the URL-connection HTTP client set
 * explicitly (with two HTTP clients on the classpath the SDK would pick one silently), the
 * region set explicitly, and against an emulator ({@code endpoint} set) path-style S3 and
 * dummy credentials unless real ones are in the environment. Each call builds a new client;
 * callers build once and share.
 */
public final class AwsClients implements AutoCloseable {
  /** The region used against a local emulator when none is configured: us-east-1. */
  public static final String EMULATOR_REGION = "us-east-1";

  private final SdkHttpClient http;
  private final Region region;
  private final URI endpoint;

  /** Clients for the region and endpoint of {@code config}. */
  public AwsClients(SqlqConfig config) {
    this(config.region(), config.endpoint());
  }

  /**
   * Shares one HTTP client (connection pool) across the clients it builds; close it last.
   *
   * @param region the AWS region id, such as {@code eu-west-1}
   * @param endpoint an emulator's endpoint, or null for AWS itself
   */
  public AwsClients(String region, URI endpoint) {
    this.region = Region.of(region);
    this.endpoint = endpoint;
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
  }

  public S3Client s3() {
    var builder = S3Client.builder().httpClient(http).region(region)
        .credentialsProvider(credentials());
    if (endpoint != null) {
      builder.endpointOverride(endpoint).forcePathStyle(true);
    }
    return builder.build();
  }

  public SqsClient sqs() {
    var builder = SqsClient.builder().httpClient(http).region(region)
        .credentialsProvider(credentials());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  public Ec2Client ec2() {
    var builder = Ec2Client.builder().httpClient(http).region(region)
        .credentialsProvider(credentials());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  /**
   * Builds a client of another service the same way as the three above (HTTP client, region,
   * credentials, endpoint), so a module that needs one more service (the CLI's CloudFormation)
   * brings its SDK artifact itself instead of adding it to every user of core.
   *
   * @param builder a fresh builder, such as {@code CloudFormationClient.builder()}
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
    builder.httpClient(http).region(region).credentialsProvider(credentials());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials() {
    boolean haveKeys = System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null;
    if (endpoint != null && !haveKeys) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public void close() {
    http.close();
  }
}
