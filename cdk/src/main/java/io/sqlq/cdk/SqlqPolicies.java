package io.sqlq.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The IAM statements of the two functions: exactly the calls their code makes (listed in
 * {@code notes/contracts.md}), each on the narrowest resource the service lets a policy name.
 * Each statement has a {@code Sid} so a reader (and the tests) can find it.
 *
 * <p>EC2 rules relied on (Amazon EC2 User Guide, "Example policies to control access to the Amazon
 * EC2 API", security groups; Service Authorization Reference, Amazon EC2): CreateSecurityGroup is
 * authorized against two resources, the VPC and the new {@code security-group/*}, so naming only
 * the lock VPC's ARN for the first keeps every lock group in the lock VPC; {@code ec2:Vpc} (an ARN,
 * compared with {@code ArnEquals}) narrows security-group actions to groups of one VPC; tags given
 * in CreateSecurityGroup's {@code TagSpecifications} are authorized as {@code ec2:CreateTags} with
 * {@code ec2:CreateAction} set to the creating action; {@code Describe*} calls take no resource-level
 * permissions, so DescribeSecurityGroups needs {@code "Resource": "*"}.
 *
 * <p>S3 rule relied on (Amazon S3 API Reference, GetObject, Permissions): without
 * {@code s3:ListBucket} a GetObject of a missing key answers 403 instead of 404 {@code NoSuchKey},
 * and a 404 is how the consumer learns a database is new; so the consumer may list this one bucket,
 * although the code never calls ListObjects.
 *
 * <p>Payloads (DESIGN.md, "Payloads over one message"): the consumer reads a request's payload
 * object, offloads a large reply as one, and deletes the version of a request payload it read
 * once the request is delivered (DeleteObject with a version id is authorized as
 * {@code s3:DeleteObjectVersion}, Amazon S3 API Reference, DeleteObject), all under
 * {@code <prefix>payloads/} only.
 *
 * @param lockVpcArn ARN of the lock VPC
 * @param securityGroupArns {@code arn:<partition>:ec2:<region>:<account>:security-group/*}
 * @param bucketArn ARN of the databases bucket
 * @param keyPrefix {@code SQLQ_PREFIX}, empty or ending in {@code /}
 * @param requestQueueArn ARN of the FIFO request queue
 * @param deadLetterQueueArn ARN of the FIFO dead-letter queue
 * @param replyQueuesArn ARN pattern of the stack's reply queues, {@code ...:<namePrefix>-replies*}
 */
record SqlqPolicies(
    String lockVpcArn,
    String securityGroupArns,
    String bucketArn,
    String keyPrefix,
    String requestQueueArn,
    String deadLetterQueueArn,
    String replyQueuesArn) {

  /** The tag keys a lock group is created with (SecurityGroupLock's TAG_LOCK, TAG_EXPIRES_AT, TAG_HOLDER, TAG_ACQUIRED_AT). */
  static final List<String> LOCK_TAG_KEYS = List.of("sqlq:lock", "sqlq:expires-at", "sqlq:holder", "sqlq:acquired-at");
  private static final String LOCK_TAG = LOCK_TAG_KEYS.get(0);
  /** The one tag a lease extension rewrites. */
  private static final String EXPIRES_AT_TAG = "sqlq:expires-at";

  /**
   * The consumer's statements, grouped by service (DESIGN.md, "Consumer: one batch": the lock's
   * calls are steps 2 and 6, the store's steps 3 and 5, the replies and dead letters steps 7 and
   * 1). The lease keeper extends a held lock by DescribeSecurityGroups (is it still this
   * holder's?) and CreateTags of {@code sqlq:expires-at} on the existing group, which is all
   * LockExtend allows.
   */
  List<PolicyStatement> consumer() {
    return List.of(
        statement("ConsumeRequests", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"), List.of(requestQueueArn), Map.of()),
        statement("LockCreateInLockVpc", List.of("ec2:CreateSecurityGroup"), List.of(lockVpcArn), Map.of()),
        statement("LockCreateTaggedGroup", List.of("ec2:CreateSecurityGroup"), List.of(securityGroupArns), Map.of(
            "Null", Map.of("aws:RequestTag/" + LOCK_TAG, "false"),
            "ArnEquals", Map.of("ec2:Vpc", lockVpcArn))),
        statement("LockTagOnCreate", List.of("ec2:CreateTags"), List.of(securityGroupArns), Map.of(
            "StringEquals", Map.of("ec2:CreateAction", "CreateSecurityGroup"),
            "Null", Map.of("aws:RequestTag/" + LOCK_TAG, "false"),
            "ForAllValues:StringEquals", Map.of("aws:TagKeys", LOCK_TAG_KEYS))),
        lockList(),
        statement("LockExtend", List.of("ec2:CreateTags"), List.of(securityGroupArns), Map.of(
            "Null", Map.of("aws:ResourceTag/" + LOCK_TAG, "false"),
            "ArnEquals", Map.of("ec2:Vpc", lockVpcArn),
            "ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of(EXPIRES_AT_TAG)))),
        lockDelete("LockRelease"),
        statement("DatabaseReadWrite", List.of("s3:GetObject", "s3:PutObject"),
            List.of(bucketArn + "/" + keyPrefix + "db/*"), Map.of()),
        statement("DatabaseMissingIs404", List.of("s3:ListBucket"), List.of(bucketArn), Map.of()),
        statement("Payloads", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObjectVersion"),
            List.of(bucketArn + "/" + keyPrefix + "payloads/*"), Map.of()),
        statement("SendRepliesAndDeadLetters", List.of("sqs:SendMessage"),
            List.of(replyQueuesArn, deadLetterQueueArn), Map.of()));
  }

  /**
   * The reaper's statements: list lock groups and delete expired ones (LockReaper); list the
   * databases' prefix, read manifests and delete the objects none references (StoreCollector).
   * {@code s3:prefix} narrows the listing to {@code <prefix>db/}, the only prefix it lists.
   */
  List<PolicyStatement> reaper() {
    return List.of(lockList(), lockDelete("LockBreak"),
        statement("DatabaseCollect", List.of("s3:GetObject", "s3:DeleteObject"),
            List.of(bucketArn + "/" + keyPrefix + "db/*"), Map.of()),
        statement("DatabaseList", List.of("s3:ListBucket"), List.of(bucketArn),
            Map.of("StringLike", Map.of("s3:prefix", keyPrefix + "db/*"))));
  }

  /** DescribeSecurityGroups: Describe* calls take no resource-level permissions. */
  private static PolicyStatement lockList() {
    return statement("LockList", List.of("ec2:DescribeSecurityGroups"), List.of("*"), Map.of());
  }

  /** DeleteSecurityGroup only of groups in the lock VPC that carry the {@code sqlq:lock} tag. */
  private PolicyStatement lockDelete(String sid) {
    return statement(sid, List.of("ec2:DeleteSecurityGroup"), List.of(securityGroupArns), Map.of(
        "Null", Map.of("aws:ResourceTag/" + LOCK_TAG, "false"),
        "ArnEquals", Map.of("ec2:Vpc", lockVpcArn)));
  }

  private static PolicyStatement statement(String sid, List<String> actions, List<String> resources,
      Map<String, Object> conditions) {
    return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources)
        .conditions(conditions).build();
  }
}
