package io.sqlq.local;

import io.sqlq.core.aws.Endpoints;

/**
 * The local AWS APIs, each in a process of its own: ElasticMQ for SQS ({@link ElasticMqServer},
 * which keeps FIFO order where moto does not) and moto for S3 and EC2 ({@link MotoServer}). A
 * consumer killed beside them loses nothing they hold. {@link #close()} stops both.
 */
public final class LocalEmulators implements AutoCloseable {
  private final MotoServer moto;
  private final ElasticMqServer elasticMq;

  private LocalEmulators(MotoServer moto, ElasticMqServer elasticMq) {
    this.moto = moto;
    this.elasticMq = elasticMq;
  }

  /**
   * Starts moto and ElasticMQ on free loopback ports and waits until both answer.
   *
   * @throws LocalStackUnavailableException when either does not start; the other is stopped
   */
  public static LocalEmulators start() {
    MotoServer moto = MotoServer.start();
    try {
      return new LocalEmulators(moto, ElasticMqServer.start());
    } catch (RuntimeException e) {
      moto.close();
      throw e;
    }
  }

  /** SQS at ElasticMQ; S3, EC2 and every other service (the global endpoint) at moto. */
  public Endpoints endpoints() {
    return new Endpoints(moto.endpoint(), null, elasticMq.endpoint(), null);
  }

  /** Stops ElasticMQ, then moto. Idempotent. */
  @Override
  public void close() {
    elasticMq.close();
    moto.close();
  }
}
