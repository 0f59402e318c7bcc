package io.sqlq.it;

import io.sqlq.core.Environment;
import io.sqlq.core.aws.Endpoints;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container (Testcontainers' {@code testcontainers-localstack}), the emulator of
 * the integration suite under {@code mvn -P localstack}, which names the pinned image in the
 * system property {@value #IMAGE_PROPERTY}. {@code LOCALSTACK_AUTH_TOKEN} is passed to the
 * container when set: LocalStack's images since 23 March 2026 ask for one; 4.14.0, the image the
 * profile pins, is the last community release that starts without it. Where no Docker engine
 * runs, every test class using it is skipped, and the run says so in one line (the profile
 * silences Testcontainers' own multi-line report of the failed Docker lookup); nothing else skips.
 */
final class LocalStackEmulator implements AutoCloseable {
  /** The system property naming the image; set by the {@code localstack} profile only. */
  static final String IMAGE_PROPERTY = "sqlq.it.localstack.image";
  private static final String NO_DOCKER = "no Docker engine: the LocalStack suite (-P localstack) is skipped";
  private static final AtomicBoolean SAID_NO_DOCKER = new AtomicBoolean();

  private final LocalStackContainer container;

  private LocalStackEmulator(LocalStackContainer container) {
    this.container = container;
  }

  /** Whether the suite runs on LocalStack ({@code -P localstack}). */
  static boolean selected() {
    return System.getProperty(IMAGE_PROPERTY) != null;
  }

  /**
   * Starts the pinned image with S3, SQS and EC2, or skips the calling test class when no
   * Docker engine runs.
   */
  static LocalStackEmulator start() {
    boolean docker = DockerClientFactory.instance().isDockerAvailable();
    if (!docker && !SAID_NO_DOCKER.getAndSet(true)) {
      System.out.println(NO_DOCKER);
    }
    Assumptions.assumeTrue(docker, NO_DOCKER);
    LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(System.getProperty(IMAGE_PROPERTY))
        .asCompatibleSubstituteFor("localstack/localstack")).withServices("s3", "sqs", "ec2");
    String token = Environment.system().optional("LOCALSTACK_AUTH_TOKEN");
    if (token != null) {
      container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }
    container.start();
    return new LocalStackEmulator(container);
  }

  /** LocalStack's one endpoint, for every service. */
  Endpoints endpoints() {
    return Endpoints.of(container.getEndpoint());
  }

  @Override
  public void close() {
    container.stop();
  }
}
