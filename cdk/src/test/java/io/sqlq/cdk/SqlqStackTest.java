package io.sqlq.cdk;

import static io.sqlq.cdk.Synth.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized template of a default stack and of one with every option changed: what is
 * declared, with which properties, each IAM statement with its conditions, and zero unresolved
 * cdk-nag AwsSolutions findings. One synth for the whole class.
 */
class SqlqStackTest {
  private static final String SG = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*";
  private static final String LOCK_VPC = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${%s.VpcId}";

  private static Synth.Result synth;
  private static Template plain;
  private static Template custom;

  @BeforeAll
  static void synthesize() {
    synth = Synth.synth(Map.of(
        "plain", b -> b,
        "custom", b -> b.namePrefix("orders").keyPrefix("tenant-a/").kmsEncryption(true).highThroughputFifo(true)
            .snapStart(true).ephemeralStorage(Size.mebibytes(512)).consumerTimeout(Duration.seconds(30))
            .visibilityTimeout(Duration.seconds(300)).consumerMemoryMb(2048).maxReceiveCount(3).noncurrentVersionDays(7)));
    plain = Template.fromStack(synth.stacks().get("plain"));
    custom = Template.fromStack(synth.stacks().get("custom"));
  }

  @Test
  void declaresEachResourceOnceAndNothingElse() {
    Map<String, Long> types = plain.toJSON().entrySet().stream().filter(e -> e.getKey().equals("Resources"))
        .flatMap(e -> ((Map<?, ?>) e.getValue()).values().stream())
        .collect(Collectors.groupingBy(r -> (String) ((Map<?, ?>) r).get("Type"), Collectors.counting()));
    assertThat(types).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("AWS::EC2::VPC", 1L), Map.entry("AWS::S3::Bucket", 1L), Map.entry("AWS::S3::BucketPolicy", 1L),
        Map.entry("AWS::SQS::Queue", 3L), Map.entry("AWS::SQS::QueuePolicy", 3L),
        Map.entry("AWS::Logs::LogGroup", 2L), Map.entry("AWS::IAM::Role", 2L), Map.entry("AWS::IAM::Policy", 2L),
        Map.entry("AWS::Lambda::Function", 2L), Map.entry("AWS::Lambda::Version", 1L),
        Map.entry("AWS::Lambda::Alias", 1L), Map.entry("AWS::Lambda::EventSourceMapping", 1L),
        Map.entry("AWS::Events::Rule", 1L), Map.entry("AWS::Lambda::Permission", 1L),
        Map.entry("AWS::CloudWatch::Alarm", 1L), Map.entry("AWS::CloudWatch::Dashboard", 1L)));
    custom.resourceCountIs("AWS::KMS::Key", 1);
  }

  @Test
  void lockVpcHasNoSubnetsNorGateways() {
    plain.hasResourceProperties("AWS::EC2::VPC", Map.of("CidrBlock", SqlqDatabase.LOCK_VPC_CIDR,
        "Tags", List.of(Map.of("Key", "Name", "Value", "sqlq-locks"))));
    plain.resourceCountIs("AWS::EC2::Subnet", 0);
    plain.resourceCountIs("AWS::EC2::InternetGateway", 0);
    plain.resourceCountIs("AWS::EC2::NatGateway", 0);
  }

  @Test
  void bucketIsVersionedEncryptedPrivateTlsOnlyAndExpiresOldVersions() {
    plain.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain", "Properties", Map.of(
        "VersioningConfiguration", Map.of("Status", "Enabled"),
        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
            List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
            "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
        "LifecycleConfiguration", Map.of("Rules", List.of(Map.of("Id", "expire-old-database-versions",
            "Status", "Enabled", "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30)),
            Map.of("Id", "expire-undelivered-payloads", "Status", "Enabled", "Prefix", "payloads/",
                "ExpirationInDays", 29, "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 1)))))));
    plain.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(
        List.of(Map.of("Effect", "Deny", "Action", "s3:*", "Principal", Map.of("AWS", "*"),
            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")), "Resource", Match.anyValue()))))));
    custom.hasResourceProperties("AWS::S3::Bucket", Map.of(
        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of("BucketKeyEnabled", true,
            "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "aws:kms", "KMSMasterKeyID", Match.anyValue())))),
        "LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(Match.objectLike(
            Map.of("NoncurrentVersionExpiration", Map.of("NoncurrentDays", 7))), Match.objectLike(
            Map.of("Id", "expire-undelivered-payloads", "Prefix", "tenant-a/payloads/")))))));
    custom.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
  }

  @Test
  void requestQueueIsFifoWithContentDedupRedriveSixFunctionTimeoutsAnd14Days() {
    plain.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "sqlq-requests.fifo", "FifoQueue", true,
        "ContentBasedDeduplication", true, "VisibilityTimeout", 360, "SqsManagedSseEnabled", true,
        "MessageRetentionPeriod", 1_209_600,
        "RedrivePolicy", Map.of("maxReceiveCount", 5, "deadLetterTargetArn", Match.anyValue())));
    assertThat(queue(plain, "sqlq-requests.fifo")).doesNotContainKeys("DeduplicationScope", "FifoThroughputLimit");
    custom.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "orders-requests.fifo",
        "VisibilityTimeout", 300, "DeduplicationScope", "messageGroup", "FifoThroughputLimit", "perMessageGroupId",
        "KmsMasterKeyId", Match.anyValue(), "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", 3))));
  }

  @Test
  void deadLetterAndReplyQueuesAreEncryptedAndTheDeadLetterQueueKeeps14Days() {
    plain.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "sqlq-dead-letter.fifo", "FifoQueue", true,
        "ContentBasedDeduplication", true, "MessageRetentionPeriod", 1_209_600, "SqsManagedSseEnabled", true));
    plain.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "sqlq-replies", "SqsManagedSseEnabled", true));
    assertThat(queue(custom, "orders-replies")).containsKey("KmsMasterKeyId");
  }

  @Test
  void everyQueueRefusesRequestsWithoutTls() {
    Map<String, Map<String, Object>> policies = plain.findResources("AWS::SQS::QueuePolicy");
    assertThat(policies).hasSize(3);
    policies.values().forEach(policy -> assertThat(render(policy)).contains(
        "Effect=Deny", "aws:SecureTransport=false", "Action=sqs:*"));
  }

  @Test
  void consumerIsJava21WithItsStorageMemoryTimeoutAndEnvironment() {
    plain.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", SqlqDatabase.CONSUMER_HANDLER,
        "Runtime", "java21", "Timeout", 60, "MemorySize", 1024, "EphemeralStorage", Map.of("Size", 2048),
        "Environment", Map.of("Variables", Map.of(
            "SQLQ_BUCKET", Map.of("Ref", logicalId(plain, "AWS::S3::Bucket", "SqlqDatabases")),
            "SQLQ_REQUEST_QUEUE_URL", Map.of("Ref", logicalId(plain, "AWS::SQS::Queue", "SqlqRequestQueue")),
            "SQLQ_REPLY_QUEUE_URL", Map.of("Ref", logicalId(plain, "AWS::SQS::Queue", "SqlqReplyQueue")),
            "SQLQ_DEAD_LETTER_QUEUE_URL", Map.of("Ref", logicalId(plain, "AWS::SQS::Queue", "SqlqDeadLetterQueue")),
            "SQLQ_LOCK_VPC_ID", Map.of("Fn::GetAtt", List.of(logicalId(plain, "AWS::EC2::VPC", "SqlqLockVpc"), "VpcId")),
            "SQLQ_LEASE_MS", "60000"))));
    assertThat(function(plain, SqlqDatabase.CONSUMER_HANDLER)).doesNotContainKey("SnapStart");
    custom.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", SqlqDatabase.CONSUMER_HANDLER,
        "SnapStart", Map.of("ApplyOn", "PublishedVersions"), "EphemeralStorage", Map.of("Size", 512),
        "MemorySize", 2048, "Timeout", 30, "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "SQLQ_PREFIX", "tenant-a/", "SQLQ_LEASE_MS", "30000")))));
  }

  @Test
  void eventSourceInvokesTheAliasTenRecordsAtATimeReportingBatchItemFailures() {
    plain.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", SqlqDatabase.CONSUMER_ALIAS,
        "FunctionVersion", Map.of("Fn::GetAtt", List.of(logicalId(plain, "AWS::Lambda::Version", "SqlqConsumerCurrentVersion"), "Version"))));
    plain.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("BatchSize", 10,
        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
        "EventSourceArn", Map.of("Fn::GetAtt", List.of(logicalId(plain, "AWS::SQS::Queue", "SqlqRequestQueue"), "Arn"))));
    String target = render(only(plain, "AWS::Lambda::EventSourceMapping").get("FunctionName"));
    assertThat(target).contains(logicalId(plain, "AWS::Lambda::Alias", "SqlqConsumerAlias")).endsWith(":live");
  }

  @Test
  void reaperRunsEveryMinuteOnItsOwnJava21Function() {
    plain.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", SqlqDatabase.REAPER_HANDLER,
        "Runtime", "java21", "Environment", Map.of("Variables", Map.of(
            "SQLQ_LOCK_VPC_ID", Map.of("Fn::GetAtt", List.of(logicalId(plain, "AWS::EC2::VPC", "SqlqLockVpc"), "VpcId")),
            "SQLQ_BUCKET", Map.of("Ref", logicalId(plain, "AWS::S3::Bucket", "SqlqDatabases"))))));
    plain.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)", "State", "ENABLED",
        "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt",
            List.of(logicalId(plain, "AWS::Lambda::Function", "SqlqReaper"), "Arn")))))));
    plain.hasResourceProperties("AWS::Lambda::Permission", Map.of("Action", "lambda:InvokeFunction",
        "Principal", "events.amazonaws.com"));
  }

  @Test
  void bothFunctionsLogToGroupsWithRetention() {
    Map<String, Map<String, Object>> groups = plain.findResources("AWS::Logs::LogGroup",
        Map.of("Properties", Map.of("RetentionInDays", 30), "DeletionPolicy", "Delete"));
    assertThat(groups).hasSize(2);
    for (String handler : List.of(SqlqDatabase.CONSUMER_HANDLER, SqlqDatabase.REAPER_HANDLER)) {
      assertThat(render(function(plain, handler).get("LoggingConfig"))).isIn(
          groups.keySet().stream().map(id -> "{LogGroup=${" + id + "}}").toList());
    }
  }

  @Test
  void deadLetterAlarmFiresOnOneVisibleMessage() {
    plain.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ApproximateNumberOfMessagesVisible",
        "Namespace", "AWS/SQS", "Statistic", "Maximum", "Period", 60, "Threshold", 1, "EvaluationPeriods", 1,
        "ComparisonOperator", "GreaterThanOrEqualToThreshold", "TreatMissingData", "notBreaching",
        "Dimensions", List.of(Map.of("Name", "QueueName",
            "Value", Map.of("Fn::GetAtt", List.of(logicalId(plain, "AWS::SQS::Queue", "SqlqDeadLetterQueue"), "QueueName"))))));
  }

  /**
   * The dashboard graphs every metric of the consumer's Embedded Metric Format line for the whole
   * stack (its bucket as dimension), beside the dead-letter alarm.
   */
  @Test
  void dashboardGraphsTheConsumersBatchMetricsBesideTheDeadLetterAlarm() throws IOException {
    Map<String, Map<String, Object>> dashboards = plain.findResources("AWS::CloudWatch::Dashboard");
    assertThat(dashboards).hasSize(1);
    Map<?, ?> properties = (Map<?, ?>) dashboards.values().iterator().next().get("Properties");
    assertThat(properties.get("DashboardName")).isEqualTo("sqlq-batches");
    var body = new ObjectMapper().readTree(render(properties.get("DashboardBody")));
    String bucket = "${" + logicalId(plain, "AWS::S3::Bucket", "SqlqDatabases") + "}";
    String alarm = "${" + logicalId(plain, "AWS::CloudWatch::Alarm", "SqlqDeadLetterAlarm") + ".Arn}";

    var widgets = body.path("widgets");
    assertThat(widgets.get(0).path("properties").path("annotations").path("alarms").get(0).asText()).isEqualTo(alarm);
    List<String> metrics = new ArrayList<>();
    for (var widget : widgets) {
      for (var metric : widget.path("properties").path("metrics")) {
        assertThat(metric.get(0).asText()).isEqualTo(SqlqDatabase.METRICS_NAMESPACE);
        assertThat(metric.get(2).asText() + "=" + metric.get(3).asText()).isEqualTo("Bucket=" + bucket);
        // CloudWatch leaves out the default statistic, Average.
        metrics.add(metric.get(1).asText() + " " + metric.get(4).path("stat").asText("Average"));
      }
    }
    assertThat(metrics).containsExactly("Requests Sum", "Failed Sum", "Requests Average", "Messages Average",
        "LockWait p50", "Fetch p50", "Apply p50", "Publish p50", "Release p50", "Reply p50", "Total p50",
        "Total p99", "LockWait p99", "BytesDown Sum", "BytesUp Sum");
    custom.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "orders-batches"));
  }

  @Test
  void consumerMayMakeExactlyTheCallsOfItsCode() {
    String vpc = LOCK_VPC.formatted(logicalId(plain, "AWS::EC2::VPC", "SqlqLockVpc"));
    String bucket = "${" + logicalId(plain, "AWS::S3::Bucket", "SqlqDatabases") + ".Arn}";
    assertThat(statements(plain, "SqlqConsumerRole")).containsExactly(
        "ConsumeRequests [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes] on ${"
            + logicalId(plain, "AWS::SQS::Queue", "SqlqRequestQueue") + ".Arn} if {}",
        "LockCreateInLockVpc ec2:CreateSecurityGroup on " + vpc + " if {}",
        "LockCreateTaggedGroup ec2:CreateSecurityGroup on " + SG
            + " if {ArnEquals={ec2:Vpc=" + vpc + "}, Null={aws:RequestTag/sqlq:lock=false}}",
        "LockTagOnCreate ec2:CreateTags on " + SG + " if {ForAllValues:StringEquals={aws:TagKeys=[sqlq:lock, "
            + "sqlq:expires-at, sqlq:holder, sqlq:acquired-at]}, Null={aws:RequestTag/sqlq:lock=false}, "
            + "StringEquals={ec2:CreateAction=CreateSecurityGroup}}",
        "LockList ec2:DescribeSecurityGroups on * if {}",
        "LockExtend ec2:CreateTags on " + SG + " if {ArnEquals={ec2:Vpc=" + vpc + "}, "
            + "ForAllValues:StringEquals={aws:TagKeys=[sqlq:expires-at]}, Null={aws:ResourceTag/sqlq:lock=false}}",
        "LockRelease ec2:DeleteSecurityGroup on " + SG
            + " if {ArnEquals={ec2:Vpc=" + vpc + "}, Null={aws:ResourceTag/sqlq:lock=false}}",
        "DatabaseReadWrite [s3:GetObject, s3:PutObject] on " + bucket + "/db/* if {}",
        "DatabaseMissingIs404 s3:ListBucket on " + bucket + " if {}",
        "Payloads [s3:GetObject, s3:PutObject, s3:DeleteObjectVersion] on " + bucket + "/payloads/* if {}",
        "SendRepliesAndDeadLetters sqs:SendMessage on [arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:"
            + "sqlq-replies*, ${" + logicalId(plain, "AWS::SQS::Queue", "SqlqDeadLetterQueue") + ".Arn}] if {}",
        "WriteOwnLogs [logs:CreateLogStream, logs:PutLogEvents] on ${"
            + logicalId(plain, "AWS::Logs::LogGroup", "SqlqConsumerLogs") + ".Arn} if {}");
  }

  @Test
  void reaperMayOnlyReapLocksInTheLockVpcAndCollectTheDatabasesPrefix() {
    String vpc = LOCK_VPC.formatted(logicalId(plain, "AWS::EC2::VPC", "SqlqLockVpc"));
    String bucket = "${" + logicalId(plain, "AWS::S3::Bucket", "SqlqDatabases") + ".Arn}";
    assertThat(statements(plain, "SqlqReaperRole")).containsExactly(
        "LockList ec2:DescribeSecurityGroups on * if {}",
        "LockBreak ec2:DeleteSecurityGroup on " + SG
            + " if {ArnEquals={ec2:Vpc=" + vpc + "}, Null={aws:ResourceTag/sqlq:lock=false}}",
        "DatabaseCollect [s3:GetObject, s3:DeleteObject] on " + bucket + "/db/* if {}",
        "DatabaseList s3:ListBucket on " + bucket + " if {StringLike={s3:prefix=db/*}}",
        "WriteOwnLogs [logs:CreateLogStream, logs:PutLogEvents] on ${"
            + logicalId(plain, "AWS::Logs::LogGroup", "SqlqReaperLogs") + ".Arn} if {}");
  }

  @Test
  void withKmsTheConsumerMayUseTheKeyAndTheScopesFollowThePrefixes() {
    List<String> consumer = statements(custom, "SqlqConsumerRole");
    String key = "${" + logicalId(custom, "AWS::KMS::Key", "SqlqKey") + ".Arn}";
    assertThat(consumer).contains("null [kms:Decrypt, kms:GenerateDataKey] on " + key + " if {}");
    assertThat(consumer).anyMatch(s -> s.startsWith("DatabaseReadWrite") && s.contains(".Arn}/tenant-a/db/* if {}"));
    assertThat(consumer).anyMatch(s -> s.startsWith("Payloads") && s.contains(".Arn}/tenant-a/payloads/* if {}"));
    assertThat(consumer).anyMatch(s -> s.startsWith("SendRepliesAndDeadLetters") && s.contains(":orders-replies*,"));
    assertThat(statements(custom, "SqlqReaperRole")).contains("null kms:Decrypt on " + key + " if {}")
        .noneMatch(s -> s.contains("kms:GenerateDataKey"))
        .anyMatch(s -> s.startsWith("DatabaseList") && s.contains("s3:prefix=tenant-a/db/*"));
  }

  @Test
  void outputsNameEveryVariableTheCliNeeds() {
    assertThat(plain.findOutputs("*").keySet()).containsExactlyInAnyOrder("SqlqBucket", "SqlqRequestQueueUrl",
        "SqlqReplyQueueUrl", "SqlqDeadLetterQueueUrl", "SqlqLockVpcId");
    plain.hasOutput("SqlqBucket", Map.of("Value", Map.of("Ref", logicalId(plain, "AWS::S3::Bucket", "SqlqDatabases"))));
    custom.hasOutput("SqlqPrefix", Map.of("Value", "tenant-a/"));
  }

  @Test
  void awsSolutionsPackHasNoUnresolvedFinding() {
    for (SqlqStack stack : synth.stacks().values()) {
      Annotations annotations = Annotations.fromStack(stack);
      assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
      assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }
  }

  @Test
  void everySuppressionIsUsedByAFinding() throws IOException {
    String report = Files.readString(synth.outdir().resolve("AwsSolutions-plain-NagReport.csv"));
    List<String> suppressed = report.lines().filter(l -> l.contains("\"Suppressed\""))
        .map(l -> l.substring(1, l.indexOf('"', 1))).distinct().sorted().toList();
    System.out.println("cdk-nag AwsSolutions, default stack: suppressed rules " + String.join(", ", suppressed) + "; "
        + report.lines().filter(l -> l.contains("\"Non-Compliant\"")).count() + " unresolved findings");
    assertThat(suppressed).containsExactly("AwsSolutions-IAM5", "AwsSolutions-L1", "AwsSolutions-S1",
        "AwsSolutions-SQS3", "AwsSolutions-VPC7");
  }

  /**
   * cfn-lint (installed on the development and CI machines) finds no error in either template.
   * Its exit code is a bit set: 2 errors, 4 warnings, 8 informational; 1 means it could not run.
   */
  @Test
  void cfnLintFindsNoErrorInTheTemplates() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cfn-lint"));
    for (var entry : synth.stacks().entrySet()) {
      Path file = dir.resolve(entry.getKey() + ".template.json");
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), Template.fromStack(entry.getValue()).toJSON());
      Process lint;
      try {
        lint = new ProcessBuilder("cfn-lint", "--format", "parseable", file.toString()).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new AssertionError("cfn-lint is not installed (pip install cfn-lint): " + e.getMessage(), e);
      }
      List<String> findings = new String(lint.getInputStream().readAllBytes()).lines().toList();
      int exit = lint.waitFor();
      List<String> errors = findings.stream().filter(l -> l.matches(".*:E\\d{4}:.*")).toList();
      System.out.println("cfn-lint " + file + ": exit " + exit + ", " + errors.size() + " errors, "
          + findings.stream().filter(l -> l.matches(".*:W\\d{4}:.*")).count() + " warnings");
      findings.forEach(f -> System.out.println("  " + f));
      assertThat(errors).isEmpty();
      assertThat(exit & 3).as("cfn-lint exit code %d", exit).isZero();
    }
  }

  private static Map<String, Object> queue(Template template, String name) {
    return properties(template, "AWS::SQS::Queue", p -> name.equals(p.get("QueueName")));
  }

  private static Map<String, Object> function(Template template, String handler) {
    return properties(template, "AWS::Lambda::Function", p -> handler.equals(p.get("Handler")));
  }

  private static Map<String, Object> only(Template template, String type) {
    return properties(template, type, p -> true);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> properties(Template template, String type,
      java.util.function.Predicate<Map<String, Object>> which) {
    List<Map<String, Object>> found = template.findResources(type).values().stream()
        .map(r -> (Map<String, Object>) r.get("Properties")).filter(which).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static String logicalId(Template template, String type, String prefix) {
    List<String> ids = template.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
    assertThat(ids).as(type + " " + prefix + "*").hasSize(1);
    return ids.get(0);
  }

  /** Each statement of the role's policies as {@code Sid actions on resources if conditions}. */
  private static List<String> statements(Template template, String rolePrefix) {
    String role = logicalId(template, "AWS::IAM::Role", rolePrefix);
    List<String> rendered = new ArrayList<>();
    template.findResources("AWS::IAM::Policy").values().stream()
        .map(r -> (Map<?, ?>) r.get("Properties"))
        .filter(p -> render(p.get("Roles")).equals("[${" + role + "}]"))
        .flatMap(p -> ((List<?>) ((Map<?, ?>) p.get("PolicyDocument")).get("Statement")).stream())
        .map(s -> (Map<?, ?>) s)
        .forEach(s -> {
          assertThat(s.get("Effect")).isEqualTo("Allow");
          rendered.add(s.get("Sid") + " " + render(s.get("Action")) + " on " + render(s.get("Resource")) + " if "
              + render(s.get("Condition") == null ? Map.of() : s.get("Condition")));
        });
    return rendered;
  }
}
