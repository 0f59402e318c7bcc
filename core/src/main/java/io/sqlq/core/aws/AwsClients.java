package io.sqlq.core.aws;

import io.sqlq.core.SqlqConfig;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
  private final SdkHttpClient http;
  private final SqlqConfig config;

  /** Shares one HTTP client (connection pool) across the clients it builds; close it last. */
  public AwsClients(SqlqConfig config) {
    this.config = config;
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
  }

  public S3Client s3() {
    var builder = S3Client.builder().httpClient(http).region(Region.of(config.region()))
        .credentialsProvider(credentials());
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint()).forcePathStyle(true);
    }
    return builder.build();
  }

  public SqsClient sqs() {
    var builder = SqsClient.builder().httpClient(http).region(Region.of(config.region()))
        .credentialsProvider(credentials());
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  public Ec2Client ec2() {
    var builder = Ec2Client.builder().httpClient(http).region(Region.of(config.region()))
        .credentialsProvider(credentials());
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials() {
    boolean haveKeys = System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null;
    if (config.endpoint() != null && !haveKeys) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public void close() {
    http.close();
  }
}
