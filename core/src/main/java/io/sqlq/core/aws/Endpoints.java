package io.sqlq.core.aws;

import java.net.URI;

/**
 * Where each AWS API sqlq calls is served: AWS itself (null) or an emulator. The AWS SDKs'
 * rule for endpoint settings ("Service-specific endpoints", AWS SDKs and Tools Reference Guide):
 * a service's own setting ({@code AWS_ENDPOINT_URL_SQS}, {@code _S3}, {@code _EC2}) wins over the
 * global one ({@code AWS_ENDPOINT_URL}), which serves every other service. Locally SQS is
 * ElasticMQ and S3 and EC2 are moto, so the endpoints differ per service.
 *
 * @param global the endpoint of every service without one of its own, or null for AWS itself
 * @param s3 S3's endpoint; null means {@code global}
 * @param sqs SQS's endpoint; null means {@code global}
 * @param ec2 EC2's endpoint; null means {@code global}
 */
public record Endpoints(URI global, URI s3, URI sqs, URI ec2) {
  /** AWS itself for every service. */
  public static final Endpoints AWS = new Endpoints(null, null, null, null);

  public Endpoints {
    s3 = s3 == null ? global : s3;
    sqs = sqs == null ? global : sqs;
    ec2 = ec2 == null ? global : ec2;
  }

  /** One endpoint for every service (a single emulator such as moto), or AWS itself when null. */
  public static Endpoints of(URI all) {
    return new Endpoints(all, null, null, null);
  }

  /** Whether any service is served by something other than AWS itself (an emulator). */
  public boolean emulated() {
    return global != null || s3 != null || sqs != null || ec2 != null;
  }
}
