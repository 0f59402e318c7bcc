package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.local.LocalPipeline;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With no AWS API listening, sqlq says so in one typed, readable error. */
class EmulatorDownIT {

  @Test
  void startingThePipelineAgainstADeadEndpointFailsWithAClearRetryableError() throws Exception {
    URI dead = deadEndpoint();

    assertThatThrownBy(() -> LocalPipeline.start(LocalPipeline.options("sqlq").endpoints(Endpoints.of(dead)).build()))
        .isInstanceOf(AwsCallFailedException.class)
        .hasMessageContaining("no answer from AWS endpoint")
        .satisfies(e -> assertThat(((AwsCallFailedException) e).retryable()).isTrue());
  }

  @Test
  void submittingToADeadEndpointFailsTheFutureWithAClearError() throws Exception {
    URI dead = deadEndpoint();
    try (AwsClients clients = new AwsClients(AwsClients.EMULATOR_REGION, Endpoints.of(dead)); var sqs = clients.newSqsClient();
        SqlqClient client = SqlqClient.builder().sqs(sqs).requestQueueUrl(dead + "/000000000000/sqlq-requests.fifo")
            .replyQueueUrl(dead + "/000000000000/sqlq-replies").defaultDatabase("main")
            .requestTimeout(Duration.ofSeconds(30)).replyWaitTime(Duration.ofSeconds(1)).build()) {
      var future = client.submit("SELECT 1");

      assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(AwsCallFailedException.class)
          .hasMessageContaining("no answer from AWS endpoint");
    }
  }

  /** A loopback port that was free a moment ago and has nothing listening now. */
  private static URI deadEndpoint() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }
}
