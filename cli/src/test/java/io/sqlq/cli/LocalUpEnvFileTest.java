package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.Endpoints;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sqlq local up --env-file}: another shell that sources the file reads the same stack. */
class LocalUpEnvFileTest {
  @Test
  void aShellThatSourcesTheEnvFileReadsTheSameStackWithTheConsumersLease(@TempDir Path dir) throws Exception {
    SqlqConfig stack = new SqlqConfig("us-east-1", new Endpoints(URI.create("http://127.0.0.1:41234"), null,
        URI.create("http://127.0.0.1:41235"), null), "sqlq-databases", "",
        "http://127.0.0.1:41234/000000000000/sqlq-requests.fifo", "http://127.0.0.1:41234/000000000000/sqlq-replies",
        "http://127.0.0.1:41234/000000000000/sqlq-dead-letter.fifo", "vpc-1234", Duration.ofSeconds(20), null, null,
        null);
    Path file = dir.resolve("sqlq.env");
    Files.writeString(file, StackOutputs.exports(LocalUpCommand.environment(stack)));

    ProcessBuilder sh = new ProcessBuilder("/bin/sh", "-c", ". \"$1\" && env", "sh", file.toString());
    sh.environment().clear();
    Process shell = sh.start();
    String printed = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Map<String, String> env = new HashMap<>();
    printed.lines().filter(l -> l.contains("=")).forEach(l -> env.put(l.substring(0, l.indexOf('=')),
        l.substring(l.indexOf('=') + 1)));

    assertThat(shell.exitValue()).isZero();
    assertThat(SqlqConfig.fromEnvironment(new Environment(env))).isEqualTo(stack);
  }
}
