package io.sqlq.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.constructs.IConstruct;

/**
 * The cdk-nag AwsSolutions findings {@link SqlqDatabase} does not fix, each suppressed on the one
 * resource it concerns with the reason it does not apply. Wildcard findings (AwsSolutions-IAM5)
 * are suppressed only for the exact wildcard resources {@link SqlqPolicies} asks for, so a new
 * wildcard in a later change is reported again.
 */
final class NagReasons {
  private NagReasons() {}

  static void bucketNeedsNoAccessLog(IConstruct bucket) {
    suppress(bucket, "AwsSolutions-S1", "Only the stack's two function roles can reach the bucket (public access "
        + "blocked, TLS required); each database write is a new object version, which already records every change. "
        + "Server access logs would need a second bucket that itself logs nowhere; enable CloudTrail S3 data events "
        + "for an audit trail of reads.");
  }

  static void replyQueueHasNoDeadLetterQueue(IConstruct queue) {
    suppress(queue, "AwsSolutions-SQS3", "The default reply queue receives replies and is read by clients and people; "
        + "no consumer fails on its messages, so a redrive policy would never move anything. Unread replies simply "
        + "expire with the queue's retention, and the database's exactly-once state answers a request that comes back.");
  }

  static void lockVpcCarriesNoTraffic(IConstruct vpc) {
    suppress(vpc, "AwsSolutions-VPC7", "The lock VPC has no subnets, so no network interface can exist in it and "
        + "there is no traffic for flow logs to record; it is only the namespace of the lock Security Groups, "
        + "whose creation and deletion CloudTrail records.");
  }

  /** The function's runtime. */
  static void runtimeIsTheCompiledOne(IConstruct function) {
    suppress(function, "AwsSolutions-L1", "java21 is the runtime the jar is compiled for (maven.compiler.release 21) "
        + "and tested on, and a supported LTS runtime of Lambda (Lambda Developer Guide, \"Lambda runtimes\"). "
        + "A newer runtime is a deliberate upgrade of the build and its tests, not a deployment setting.");
  }

  /** The exact wildcards of {@link SqlqPolicies}. */
  static void functionRole(IConstruct role, String function) {
    NagSuppressions.addResourceSuppressions(role, List.of(
        NagPackSuppression.builder().id("AwsSolutions-IAM5")
            .reason(function + ": the wildcards are the narrowest the services allow. security-group/* is needed "
                + "because a lock group's id is unknown before it exists; every action on it is conditioned on the "
                + "sqlq:lock tag and the lock VPC (ec2:Vpc). db/* and payloads/* are the database and payload key "
                + "prefixes of this bucket only (payload objects get random names). "
                + "<prefix>-replies* names the stack's reply queues, including clients' own ones created at run "
                + "time. DescribeSecurityGroups supports no resource-level permission (Resource must be *).")
            .appliesTo(List.of(
                regex("^Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group/\\*$"),
                regex("^Resource::<[A-Za-z0-9]+\\.Arn>/([A-Za-z0-9_./-]*/)?(db|payloads)/\\*$"),
                regex("^Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:[a-z0-9-]+-replies\\*$"),
                regex("^Resource::\\*$")))
            .build()), true);
  }

  private static RegexAppliesTo regex(String pattern) {
    return RegexAppliesTo.builder().regex("/" + pattern + "/").build();
  }

  private static void suppress(IConstruct construct, String rule, String reason) {
    NagSuppressions.addResourceSuppressions(construct,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
  }
}
