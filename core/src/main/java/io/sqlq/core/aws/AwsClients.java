package io.sqlq.core.aws;

import io.sqlq.core.SqlqConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A factory of SDK clients for one region and its {@link Endpoints}: the URL-connection HTTP client
 * set explicitly (with two HTTP clients on the classpath the SDK would pick one silently), the
 * region set explicitly, and against emulators ({@link Endpoints#emulated()}) path-style S3 and, when no
 * credentials are found in the environment or the profile file, dummy ones (an emulator accepts
 * any). Each {@code new...Client} call builds a new client that the caller owns and closes;
 * build once and share. Closing this factory closes the HTTP client all of them use, so close it
 * after them.
 */
public final class AwsClients implements AutoCloseable {
  /** The region used against a local emulator when none is configured: us-east-1. */
  public static final String EMULATOR_REGION = "us-east-1";

  private final SdkHttpClient http;
  private final Region region;
  private final Endpoints endpoints;
  private final AwsCredentialsProvider credentials;

  /** A factory for the region and endpoints of {@code config}. */
  public AwsClients(SqlqConfig config) {
    this(config.region(), config.endpoints());
  }

  /**
   * Shares one HTTP client (connection pool: 2,000 ms to connect, 30,000 ms per read) across the
   * clients it builds.
   *
   * @param region the AWS region id, such as {@code eu-west-1}
   * @param endpoints where each service is served, {@link Endpoints#AWS} for AWS itself
   */
  public AwsClients(String region, Endpoints endpoints) {
    this.region = Region.of(region);
    this.endpoints = endpoints;
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
    this.credentials = !endpoints.emulated() ? DefaultCredentialsProvider.builder().build()
        : AwsCredentialsProviderChain.builder().credentialsProviders(
            EnvironmentVariableCredentialsProvider.create(),
            ProfileCredentialsProvider.create(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
  }

  /**
   * A new S3 client (path-style against an emulator), with {@code interceptors} hearing every
   * call it makes, in order (the SDK's {@link ExecutionInterceptor} hooks): tests count calls or
   * inject faults this way; the Lambda functions add none. The caller closes it.
   */
  public S3Client newS3Client(ExecutionInterceptor... interceptors) {
    var builder = S3Client.builder()
        .overrideConfiguration(o -> List.of(interceptors).forEach(o::addExecutionInterceptor));
    if (endpoints.s3() != null) {
      builder.forcePathStyle(true);
    }
    return newClient(builder, endpoints.s3());
  }

  /** A new SQS client; the caller closes it. */
  public SqsClient newSqsClient() {
    return newClient(SqsClient.builder(), endpoints.sqs());
  }

  /** A new EC2 client; the caller closes it. */
  public Ec2Client newEc2Client() {
    return newClient(Ec2Client.builder(), endpoints.ec2());
  }

  /**
   * Builds a client of any service the same way (HTTP client, region, credentials, endpoint), so
   * a module that needs one more service (the CLI's CloudFormation) brings its SDK artifact
   * itself instead of adding it to every user of core. The caller closes it.
   *
   * @param builder a fresh builder, such as {@code CloudFormationClient.builder()}; served at
   *     {@link Endpoints#global()}
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C newClient(B builder) {
    return newClient(builder, endpoints.global());
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C newClient(B builder, URI endpoint) {
    builder.httpClient(http).region(region).credentialsProvider(credentials);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  @Override
  public void close() {
    http.close();
  }
}
