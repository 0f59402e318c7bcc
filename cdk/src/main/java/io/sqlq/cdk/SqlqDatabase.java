package io.sqlq.cdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnTag;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.CfnVPC;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.DeduplicationScope;
import software.amazon.awscdk.services.sqs.FifoThroughputLimit;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Everything one sqlq deployment runs on (DESIGN.md), as one construct to drop into a CDK app:
 * the lock VPC, the databases bucket, the request queue with its dead-letter queue, the default
 * reply queue, the consumer function fed by the request queue, the reaper function on a one-minute
 * schedule, an alarm on the dead-letter queue, and a dashboard of the consumer's per-batch metrics
 * beside that alarm. Names follow {@code StackProvisioner}, so the
 * CLI and the SDK find a deployed stack as they find a local one.
 *
 * <p>Secure by default: every store encrypted at rest (S3-managed and SQS-managed keys, or one
 * customer managed KMS key), TLS required by the bucket and queue policies, all public access to
 * the bucket blocked, and each function's role allowed exactly the calls its code makes
 * ({@link SqlqPolicies}). The cdk-nag AwsSolutions findings that do not apply are suppressed here,
 * each with its reason, so an app that uses this construct passes the pack too.
 *
 * <p>The consumer is invoked through its alias {@value #CONSUMER_ALIAS} on the version published
 * from the current code: SnapStart, when on, only applies to published versions (AWS Lambda
 * Developer Guide, "Improving startup performance with Lambda SnapStart").
 *
 * <p>The bucket, and the KMS key when there is one, are retained when the stack is deleted (they
 * hold and protect the databases); the queues, the functions and their log groups are deleted.
 */
public final class SqlqDatabase extends Construct {
  /** The consumer's handler (notes/contracts.md). */
  public static final String CONSUMER_HANDLER = "io.sqlq.consumer.ConsumerHandler::handleRequest";
  /** The reaper's handler (notes/contracts.md). */
  public static final String REAPER_HANDLER = "io.sqlq.reaper.ReaperHandler::handleRequest";
  /** The consumer alias the event source invokes. */
  public static final String CONSUMER_ALIAS = "live";
  /** Records per consumer invocation: 10, the most a FIFO event source takes (Lambda Developer Guide). */
  public static final int BATCH_SIZE = 10;
  /**
   * Retention of the request queue and of the dead-letter queue: 14 days, the SQS maximum, so a
   * request survives the longest outage SQS allows (the default, 4 days, would drop requests
   * silently after a long one); the exactly-once state is kept long enough for both (DESIGN.md).
   */
  public static final Duration RETENTION = Duration.days(14);
  /** CIDR block of the lock VPC, as {@code StackProvisioner}; it has no subnets, so no address is used. */
  public static final String LOCK_VPC_CIDR = "10.99.0.0/16";
  /** How often the reaper runs. */
  public static final Duration REAPER_RATE = Duration.minutes(1);

  /**
   * The namespace of the consumer's metrics, which it logs in CloudWatch Embedded Metric Format
   * ({@code io.sqlq.consumer.EmbeddedMetricFormat}): {@code sqlq}, one dimension set {@code Bucket}
   * (the stack) and one {@code Bucket, Database}.
   */
  public static final String METRICS_NAMESPACE = "sqlq";

  private static final Duration REAPER_TIMEOUT = Duration.seconds(60);
  private static final int REAPER_MEMORY_MB = 512;

  private final CfnVPC lockVpc;
  /**
   * Days an undelivered payload object is kept: 29, as long as its message may still be
   * delivered or replayed (14 days in the request queue, the SQS maximum; up to 14 more in the
   * dead-letter queue; 1 for the replay), the reasoning of the exactly-once state's retention.
   */
  static final int PAYLOAD_EXPIRATION_DAYS = 29;
  private final Bucket bucket;
  private final Queue requestQueue;
  private final Queue deadLetterQueue;
  private final Queue replyQueue;
  private final Function consumer;
  private final Alias consumerAlias;
  private final Function reaper;
  private final Alarm deadLetterAlarm;
  private final Dashboard dashboard;
  private final String keyPrefix;

  /**
   * Declares every resource in {@code scope}.
   *
   * @param props the settings, already checked by {@link SqlqDatabaseProps.Builder#build()}
   */
  public SqlqDatabase(Construct scope, String id, SqlqDatabaseProps props) {
    super(scope, id);
    keyPrefix = props.keyPrefix();
    Key key = props.kmsEncryption() ? Key.Builder.create(this, "Key").enableKeyRotation(true)
        .description("sqlq " + props.namePrefix() + ": databases bucket and queues").build() : null;

    lockVpc = CfnVPC.Builder.create(this, "LockVpc").cidrBlock(LOCK_VPC_CIDR)
        .tags(List.of(CfnTag.builder().key("Name").value(props.namePrefix() + "-locks").build())).build();
    bucket = bucket(props, key);
    deadLetterQueue = queue(Queue.Builder.create(this, "DeadLetterQueue")
        .queueName(props.namePrefix() + "-dead-letter.fifo").fifo(true).contentBasedDeduplication(true)
        .retentionPeriod(RETENTION), key);
    var request = Queue.Builder.create(this, "RequestQueue")
        .queueName(props.namePrefix() + "-requests.fifo").fifo(true).contentBasedDeduplication(true)
        .visibilityTimeout(props.visibilityTimeout()).retentionPeriod(RETENTION)
        .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetterQueue).maxReceiveCount(props.maxReceiveCount()).build());
    if (props.highThroughputFifo()) {
      request.deduplicationScope(DeduplicationScope.MESSAGE_GROUP).fifoThroughputLimit(FifoThroughputLimit.PER_MESSAGE_GROUP_ID);
    }
    requestQueue = queue(request, key);
    replyQueue = queue(Queue.Builder.create(this, "ReplyQueue").queueName(props.namePrefix() + "-replies"), key);
    NagReasons.replyQueueHasNoDeadLetterQueue(replyQueue);

    Stack stack = Stack.of(this);
    var policies = new SqlqPolicies(
        stack.formatArn(ArnComponents.builder().service("ec2").resource("vpc").resourceName(lockVpc.getAttrVpcId()).build()),
        stack.formatArn(ArnComponents.builder().service("ec2").resource("security-group").resourceName("*").build()),
        bucket.getBucketArn(), props.keyPrefix(), requestQueue.getQueueArn(), deadLetterQueue.getQueueArn(),
        stack.formatArn(ArnComponents.builder().service("sqs").resource(props.namePrefix() + "-replies*")
            .arnFormat(ArnFormat.NO_RESOURCE_NAME).build()));

    consumer = suppressed(function("Consumer", props.consumerCode(), CONSUMER_HANDLER, policies.consumer(), props, key,
        List.of("kms:Decrypt", "kms:GenerateDataKey"))
        .timeout(props.consumerTimeout())
        .memorySize(props.consumerMemoryMb())
        .ephemeralStorageSize(props.ephemeralStorage())
        .snapStart(props.snapStart() ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
        .environment(consumerEnvironment(props))
        .description("sqlq consumer: applies batches of the request queue to the databases in S3")
        .build());
    consumerAlias = Alias.Builder.create(this, "ConsumerAlias").aliasName(CONSUMER_ALIAS)
        .version(consumer.getCurrentVersion()).build();
    EventSourceMapping.Builder.create(this, "ConsumerRequests").target(consumerAlias)
        .eventSourceArn(requestQueue.getQueueArn()).batchSize(BATCH_SIZE).reportBatchItemFailures(true).build();

    reaper = suppressed(function("Reaper", props.reaperCode(), REAPER_HANDLER, policies.reaper(), props, key,
        List.of("kms:Decrypt"))
        .timeout(REAPER_TIMEOUT)
        .memorySize(REAPER_MEMORY_MB)
        .environment(reaperEnvironment(props))
        .description("sqlq reaper: deletes expired locks and database objects no manifest references")
        .build());
    Rule.Builder.create(this, "ReaperSchedule").schedule(Schedule.rate(REAPER_RATE))
        .description("sqlq reaper, every minute").targets(List.of(new LambdaFunction(reaper))).build();

    deadLetterAlarm = Alarm.Builder.create(this, "DeadLetterAlarm")
        .metric(deadLetterQueue.metricApproximateNumberOfMessagesVisible(
            MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()))
        .threshold(1).evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .alarmDescription("sqlq " + props.namePrefix() + ": messages wait in the dead-letter queue; "
            + "see their sqlq-error attribute, fix the cause, then replay them")
        .build();
    dashboard = dashboard(props);
    NagReasons.lockVpcCarriesNoTraffic(lockVpc);
  }

  /**
   * The dashboard {@code <namePrefix>-batches}: the dead-letter alarm, then the consumer's metrics
   * for the whole stack (dimension {@code Bucket}), per minute: requests and failed batches, the
   * time of each batch step (p50) and of whole batches (p50, p99, with the lock wait's p99), the S3
   * bytes moved, and the requests and messages of a batch.
   */
  private Dashboard dashboard(SqlqDatabaseProps props) {
    List<IWidget> alarmAndLoad = List.of(
        AlarmWidget.Builder.create().title("Dead-letter queue").alarm(deadLetterAlarm).width(8).height(6).build(),
        graph("Requests and failed batches per minute", List.of(metric("Requests", "Sum")),
            List.of(metric("Failed", "Sum")), "requests", "failed batches"),
        graph("Requests and messages per batch", List.of(metric("Requests", "Average"), metric("Messages", "Average")),
            List.of(), "per batch", null));
    List<IWidget> steps = List.of(
        graph("Batch steps, p50 (ms)", List.of("LockWait", "Fetch", "Apply", "Publish", "Release", "Reply").stream()
            .map(step -> metric(step, "p50")).toList(), List.of(), "ms", null),
        graph("Batches and lock waits (ms)", List.of(metric("Total", "p50"), metric("Total", "p99"),
            metric("LockWait", "p99")), List.of(), "ms", null),
        graph("S3 bytes per minute", List.of(metric("BytesDown", "Sum"), metric("BytesUp", "Sum")), List.of(),
            "bytes", null));
    return Dashboard.Builder.create(this, "Dashboard").dashboardName(props.namePrefix() + "-batches")
        .widgets(List.of(alarmAndLoad, steps)).build();
  }

  private Metric metric(String name, String statistic) {
    return Metric.Builder.create().namespace(METRICS_NAMESPACE).metricName(name)
        .dimensionsMap(Map.of("Bucket", bucket.getBucketName())).statistic(statistic).period(Duration.minutes(1))
        .label(name + " " + statistic).build();
  }

  private static GraphWidget graph(String title, List<Metric> left, List<Metric> right, String leftLabel,
      String rightLabel) {
    var graph = GraphWidget.Builder.create().title(title).width(8).height(6).left(List.copyOf(left))
        .leftYAxis(software.amazon.awscdk.services.cloudwatch.YAxisProps.builder().label(leftLabel).min(0).build());
    if (!right.isEmpty()) {
      graph.right(List.copyOf(right))
          .rightYAxis(software.amazon.awscdk.services.cloudwatch.YAxisProps.builder().label(rightLabel).min(0).build());
    }
    return graph.build();
  }

  private Bucket bucket(SqlqDatabaseProps props, Key key) {
    Bucket databases = Bucket.Builder.create(this, "Databases")
        .versioned(true)
        .encryption(key == null ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS)
        .encryptionKey(key)
        .bucketKeyEnabled(key != null)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .minimumTlsVersion(1.2)
        .lifecycleRules(List.of(LifecycleRule.builder().id("expire-old-database-versions")
            .noncurrentVersionExpiration(Duration.days(props.noncurrentVersionDays())).build(),
            undeliveredPayloads(props)))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    NagReasons.bucketNeedsNoAccessLog(databases);
    return databases;
  }

  /**
   * Payload objects (bodies over one SQS message, under {@code <prefix>payloads/}) are deleted
   * once delivered; one whose message is never delivered expires after
   * {@link #PAYLOAD_EXPIRATION_DAYS}, and a deleted one's old version after a day. Where two
   * rules overlap S3 honours the shorter expiration (Amazon S3 User Guide, "How Amazon S3
   * handles conflicts in lifecycle configurations").
   */
  private static LifecycleRule undeliveredPayloads(SqlqDatabaseProps props) {
    return LifecycleRule.builder().id("expire-undelivered-payloads").prefix(props.keyPrefix() + "payloads/")
        .expiration(Duration.days(PAYLOAD_EXPIRATION_DAYS)).noncurrentVersionExpiration(Duration.days(1)).build();
  }

  private static Queue queue(Queue.Builder builder, Key key) {
    return builder.encryption(key == null ? QueueEncryption.SQS_MANAGED : QueueEncryption.KMS)
        .encryptionMasterKey(key).enforceSsl(true).build();
  }

  private Function.Builder function(String id, Code code, String handler, List<PolicyStatement> statements,
      SqlqDatabaseProps props, Key key, List<String> keyActions) {
    LogGroup logs = LogGroup.Builder.create(this, id + "Logs").retention(props.logRetention())
        .removalPolicy(RemovalPolicy.DESTROY).build();
    Role role = Role.Builder.create(this, id + "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .description("sqlq " + id.toLowerCase() + " function: only the calls its code makes").build();
    statements.forEach(role::addToPolicy);
    role.addToPolicy(PolicyStatement.Builder.create().sid("WriteOwnLogs")
        .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
        .resources(List.of(logs.getLogGroupArn())).build());
    if (key != null) {
      key.grant(role, keyActions.toArray(String[]::new));
    }
    NagReasons.functionRole(role, id);
    return Function.Builder.create(this, id).runtime(Runtime.JAVA_21).handler(handler).code(code)
        .role(role).logGroup(logs);
  }

  private static Function suppressed(Function function) {
    NagReasons.runtimeIsTheCompiledOne(function);
    return function;
  }

  private Map<String, String> consumerEnvironment(SqlqDatabaseProps props) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SQLQ_BUCKET", bucket.getBucketName());
    if (!props.keyPrefix().isEmpty()) {
      env.put("SQLQ_PREFIX", props.keyPrefix());
    }
    env.put("SQLQ_REQUEST_QUEUE_URL", requestQueue.getQueueUrl());
    env.put("SQLQ_REPLY_QUEUE_URL", replyQueue.getQueueUrl());
    env.put("SQLQ_DEAD_LETTER_QUEUE_URL", deadLetterQueue.getQueueUrl());
    env.put("SQLQ_LOCK_VPC_ID", lockVpc.getAttrVpcId());
    env.put("SQLQ_LEASE_MS", Long.toString(props.consumerTimeout().toMilliseconds().longValue()));
    return env;
  }

  /** The reaper reads manifests and deletes under the databases' prefix of the same bucket. */
  private Map<String, String> reaperEnvironment(SqlqDatabaseProps props) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SQLQ_LOCK_VPC_ID", lockVpc.getAttrVpcId());
    env.put("SQLQ_BUCKET", bucket.getBucketName());
    if (!props.keyPrefix().isEmpty()) {
      env.put("SQLQ_PREFIX", props.keyPrefix());
    }
    return env;
  }

  /** The lock VPC; its id is {@code SQLQ_LOCK_VPC_ID}. */
  public CfnVPC getLockVpc() { return lockVpc; }

  /** The databases bucket ({@code SQLQ_BUCKET}). */
  public Bucket getBucket() { return bucket; }

  /** {@code SQLQ_PREFIX}: empty or ending in {@code /}. */
  public String getKeyPrefix() { return keyPrefix; }

  /** The FIFO request queue ({@code SQLQ_REQUEST_QUEUE_URL}). */
  public Queue getRequestQueue() { return requestQueue; }

  /** The FIFO dead-letter queue ({@code SQLQ_DEAD_LETTER_QUEUE_URL}). */
  public Queue getDeadLetterQueue() { return deadLetterQueue; }

  /** The default reply queue ({@code SQLQ_REPLY_QUEUE_URL}). */
  public Queue getReplyQueue() { return replyQueue; }

  /** The consumer function; the event source invokes {@link #getConsumerAlias()}. */
  public Function getConsumer() { return consumer; }

  /** The alias {@value #CONSUMER_ALIAS} on the consumer's current version. */
  public Alias getConsumerAlias() { return consumerAlias; }

  /** The reaper function. */
  public Function getReaper() { return reaper; }

  /** The alarm on the dead-letter queue's visible messages; it has no action: add one (an SNS topic). */
  public Alarm getDeadLetterAlarm() { return deadLetterAlarm; }

  /** The dashboard of the consumer's per-batch metrics, beside the dead-letter alarm. */
  public Dashboard getDashboard() { return dashboard; }
}
