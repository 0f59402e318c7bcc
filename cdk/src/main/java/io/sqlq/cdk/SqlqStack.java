package io.sqlq.cdk;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * One {@link SqlqDatabase} and the stack outputs the CLI and the SDK read: each output key is the
 * environment variable it fills written in CamelCase ({@code SqlqBucket} is {@code SQLQ_BUCKET}),
 * which is the rule {@code sqlq config from-stack} applies. {@code SqlqPrefix} is only there when
 * the key prefix is not empty (CloudFormation outputs cannot be empty, and empty is the default).
 */
public final class SqlqStack extends Stack {
  private final SqlqDatabase database;

  /**
   * @param stackProps the stack's own settings (account, region, description)
   * @param props the settings of its {@link SqlqDatabase}
   */
  public SqlqStack(Construct scope, String id, StackProps stackProps, SqlqDatabaseProps props) {
    super(scope, id, stackProps);
    database = new SqlqDatabase(this, "Sqlq", props);
    output("SqlqBucket", database.getBucket().getBucketName(), "the databases bucket");
    if (!database.getKeyPrefix().isEmpty()) {
      output("SqlqPrefix", database.getKeyPrefix(), "prefix of every S3 key");
    }
    output("SqlqRequestQueueUrl", database.getRequestQueue().getQueueUrl(), "the FIFO request queue");
    output("SqlqReplyQueueUrl", database.getReplyQueue().getQueueUrl(), "the default reply queue");
    output("SqlqDeadLetterQueueUrl", database.getDeadLetterQueue().getQueueUrl(), "the FIFO dead-letter queue");
    output("SqlqLockVpcId", database.getLockVpc().getAttrVpcId(), "the VPC whose Security Groups are the locks");
  }

  /** The construct this stack deploys. */
  public SqlqDatabase getDatabase() {
    return database;
  }

  private void output(String key, String value, String description) {
    CfnOutput.Builder.create(this, key).value(value).description(description).build();
  }
}
