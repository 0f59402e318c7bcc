package io.sqlq.local;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.aws.Endpoints;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates, or finds and reuses, the resources of a sqlq stack that the CDK app declares, so a
 * local emulator (or an empty account) can run the pipeline. Idempotent: provisioning a stack
 * that exists returns the same {@link SqlqConfig} and changes only queue attributes that differ
 * from what is asked (such as a new visibility timeout).
 *
 * <p>Resources of stack {@code <s>}:
 * <ul>
 *   <li>S3 bucket {@code <s>-databases}, versioning enabled (every publish a restorable version);
 *   <li>lock VPC, CIDR 10.99.0.0/16, tag {@code Name=<s>-locks}, no subnets (found by that tag;
 *       if several carry it, the lowest VPC id is used);
 *   <li>FIFO dead-letter queue {@code <s>-dead-letter.fifo}: content-based deduplication,
 *       retention 1,209,600 s (14 days, the SQS maximum);
 *   <li>FIFO request queue {@code <s>-requests.fifo}: content-based deduplication, visibility
 *       timeout as given (default 30 s), redrive to the dead-letter queue after 5 receives;
 *   <li>standard queue {@code <s>-replies}: the default reply queue.
 * </ul>
 *
 * <p>AWS rules relied on: CreateQueue with the name and attributes of an existing queue returns
 * its URL, with different attributes it fails with {@code QueueNameExists} (Amazon SQS API
 * Reference, CreateQueue); CreateBucket of a bucket the caller owns fails with
 * {@code BucketAlreadyOwnedByYou}, except in us-east-1 where it answers 200 (Amazon S3 API
 * Reference, CreateBucket); outside us-east-1 CreateBucket needs the region as location
 * constraint.
 */
public final class StackProvisioner {
  /** The stack name used when none is given. */
  public static final String DEFAULT_STACK = "sqlq";
  /** Default visibility timeout of the request queue: 30 s (the SQS default). */
  public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
  /** Receives of one message before SQS moves it to the dead-letter queue. */
  public static final int MAX_RECEIVE_COUNT = 5;
  /** Retention of the dead-letter queue: 1,209,600 s (14 days). */
  public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);
  /** CIDR block of the lock VPC. */
  public static final String LOCK_VPC_CIDR = "10.99.0.0/16";

  /** Stack names: lowercase, so every derived bucket and queue name is valid; at most 40 characters. */
  private static final Pattern STACK_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  /** SQS visibility timeout range: 0 to 43,200 s (Amazon SQS API Reference, SetQueueAttributes). */
  private static final Duration MAX_VISIBILITY_TIMEOUT = Duration.ofHours(12);

  private final S3Client s3;
  private final SqsClient sqs;
  private final Ec2Client ec2;
  private final String region;
  private final Endpoints endpoints;

  /**
   * @param s3 the clients; the caller owns and closes them. The region written into the returned
   *     config is that of {@code sqs}, each service's endpoint that of its client, and the global
   *     endpoint (every other service) that of {@code s3}.
   */
  public StackProvisioner(S3Client s3, SqsClient sqs, Ec2Client ec2) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.ec2 = Objects.requireNonNull(ec2, "ec2");
    this.region = sqs.serviceClientConfiguration().region().id();
    URI s3Endpoint = s3.serviceClientConfiguration().endpointOverride().orElse(null);
    this.endpoints = new Endpoints(s3Endpoint, s3Endpoint, sqs.serviceClientConfiguration().endpointOverride()
        .orElse(null), ec2.serviceClientConfiguration().endpointOverride().orElse(null));
  }

  /**
   * Creates or reuses every resource of the stack.
   *
   * @param stackName lowercase letters, digits and {@code -}, starting with a letter, at most 40
   * @param requestVisibilityTimeout the request queue's visibility timeout, whole seconds from 0
   *     to 43,200 ({@link #DEFAULT_VISIBILITY_TIMEOUT} for a local stack); it should exceed the
   *     consumer function's timeout
   * @param lease the consumers' lease ({@code SQLQ_LEASE_MS}), their function timeout as the CDK
   *     stack sets it
   * @return the stack's configuration: key prefix empty, lock wait budget, retention and
   *     statement timeout at their defaults
   * @throws ConfigurationException when the name or the timeout is out of range
   * @throws AwsCallFailedException when a call fails (for example, the bucket name belongs to
   *     another account)
   */
  public SqlqConfig provision(String stackName, Duration requestVisibilityTimeout, Duration lease) {
    validate(stackName, requestVisibilityTimeout);
    String bucket = bucket(stackName + "-databases");
    String lockVpcId = lockVpc(stackName + "-locks");
    String deadLetterUrl = queue(stackName + "-dead-letter.fifo", Map.of(
        QueueAttributeName.FIFO_QUEUE, "true",
        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true",
        QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(DEAD_LETTER_RETENTION.toSeconds())));
    String redrivePolicy = "{\"deadLetterTargetArn\":\"" + queueArn(deadLetterUrl) + "\",\"maxReceiveCount\":"
        + MAX_RECEIVE_COUNT + "}";
    String requestUrl = queue(stackName + "-requests.fifo", Map.of(
        QueueAttributeName.FIFO_QUEUE, "true",
        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true",
        QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(requestVisibilityTimeout.toSeconds()),
        QueueAttributeName.REDRIVE_POLICY, redrivePolicy));
    String replyUrl = queue(stackName + "-replies", Map.of());
    return new SqlqConfig(region, endpoints, bucket, "", requestUrl, replyUrl, deadLetterUrl, lockVpcId, lease, null,
        null, null);
  }

  private static void validate(String stackName, Duration visibilityTimeout) {
    if (stackName == null || !STACK_NAME.matcher(stackName).matches()) {
      throw new ConfigurationException("stack name must be 1 to 40 characters of a-z 0-9 -, starting with a letter: '"
          + stackName + "'");
    }
    if (visibilityTimeout.isNegative() || visibilityTimeout.compareTo(MAX_VISIBILITY_TIMEOUT) > 0
        || visibilityTimeout.toMillis() % 1000 != 0) {
      throw new ConfigurationException("request queue visibility timeout must be whole seconds from 0 to 43,200: "
          + visibilityTimeout.toMillis() + " ms");
    }
  }

  private String bucket(String name) {
    try {
      s3.createBucket(b -> {
        b.bucket(name);
        if (!Region.US_EAST_1.id().equals(region)) {
          b.createBucketConfiguration(c -> c.locationConstraint(region));
        }
      });
    } catch (BucketAlreadyOwnedByYouException alreadyOurs) {
      // Provisioned before: reuse it, and (re)enable versioning below.
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 CreateBucket " + name, e);
    }
    try {
      s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    } catch (SdkException e) {
      throw AwsCallFailedException.of("S3 PutBucketVersioning " + name, e);
    }
    return name;
  }

  private String lockVpc(String name) {
    Optional<String> existing = findVpc(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    try {
      String created = ec2.createVpc(b -> b.cidrBlock(LOCK_VPC_CIDR).tagSpecifications(TagSpecification.builder()
          .resourceType(ResourceType.VPC).tags(Tag.builder().key("Name").value(name).build()).build())).vpc().vpcId();
      // A concurrent provisioner may have created one too; all of them settle on the lowest id.
      return findVpc(name).orElse(created);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("EC2 CreateVpc " + name, e);
    }
  }

  private Optional<String> findVpc(String name) {
    try {
      return ec2.describeVpcs(b -> b.filters(Filter.builder().name("tag:Name").values(name).build())).vpcs().stream()
          .map(Vpc::vpcId)
          .min(Comparator.naturalOrder());
    } catch (SdkException e) {
      throw AwsCallFailedException.of("EC2 DescribeVpcs tag:Name=" + name, e);
    }
  }

  private String queue(String name, Map<QueueAttributeName, String> attributes) {
    try {
      return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    } catch (QueueNameExistsException differentAttributes) {
      return updateQueue(name, attributes);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS CreateQueue " + name, e);
    }
  }

  /** The queue exists with other attributes: set the ones that may change (FifoQueue may not). */
  private String updateQueue(String name, Map<QueueAttributeName, String> attributes) {
    Map<QueueAttributeName, String> mutable = new EnumMap<>(QueueAttributeName.class);
    mutable.putAll(attributes);
    mutable.remove(QueueAttributeName.FIFO_QUEUE);
    try {
      String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
      sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(mutable));
      return url;
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS SetQueueAttributes " + name, e);
    }
  }

  private String queueArn(String queueUrl) {
    try {
      return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
          .attributes().get(QueueAttributeName.QUEUE_ARN);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("SQS GetQueueAttributes " + queueUrl, e);
    }
  }
}
