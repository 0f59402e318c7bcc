package io.sqlq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotoServerTest {
  @TempDir Path dir;

  @Test
  void startWithoutMotoServerOnPath_failsWithTheInstallCommand() {
    assertThatThrownBy(() -> MotoServer.start(dir.toString(), Duration.ofSeconds(5)))
        .isInstanceOf(LocalStackUnavailableException.class)
        .hasMessage("moto_server not found on PATH: install it with pip install 'moto[server]'");
  }

  @Test
  void startOfAMotoServerThatExitsAtOnce_failsNamingTheLogAndShowingItsTail() throws IOException {
    Path fake = Files.writeString(dir.resolve("moto_server"), "#!/bin/sh\necho 'Address already in use' >&2\nexit 3\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> MotoServer.start("/nonexistent-dir:" + dir, Duration.ofSeconds(10)))
        .isInstanceOf(LocalStackUnavailableException.class)
        .hasMessageContaining("moto_server exited with status 3 during startup")
        .hasMessageContaining("moto_server-")
        .hasMessageContaining("Address already in use");
  }

  @Test
  void startOfAMotoServerThatNeverAnswers_failsAfterTheTimeoutAndStopsIt() throws IOException {
    Path fake = Files.writeString(dir.resolve("moto_server"), "#!/bin/sh\nexec sleep 600\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

    long start = System.nanoTime();
    assertThatThrownBy(() -> MotoServer.start(dir.toString(), Duration.ofMillis(500)))
        .isInstanceOf(LocalStackUnavailableException.class)
        .hasMessageContaining("did not answer")
        .hasMessageContaining("within 500 ms");
    // Only tells "gave up at its timeout" from "waited for the process's own end", ten minutes away:
    // a bound far from both, whatever the machine's load.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(3));
    assertThat(ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("sleep")))
        .as("the fake server was stopped").isEmpty();
  }

  @Test
  void startedServer_answersOnLoopbackAndResetDropsEveryResource() {
    try (MotoServer server = MotoServer.start();
        AwsClients clients = new AwsClients(AwsClients.EMULATOR_REGION, Endpoints.of(server.endpoint()));
        var s3 = clients.newS3Client()) {
      assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
      s3.createBucket(b -> b.bucket("before-reset"));

      server.reset();

      assertThat(s3.listBuckets().buckets()).isEmpty();
    }
  }

  @Test
  void close_stopsTheServerItStarted() throws Exception {
    MotoServer server = MotoServer.start();
    var probe = HttpRequest.newBuilder(server.endpoint().resolve("/moto-api/")).build();

    server.close();

    try (HttpClient http = HttpClient.newHttpClient()) {
      assertThatThrownBy(() -> http.send(probe, HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(ConnectException.class);
    }
    assertThat(server.logFile()).exists();
  }
}
