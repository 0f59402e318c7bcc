package io.sqlq.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.services.lambda.AssetCode;

class SqlqAppTest {
  @Test
  void aMissingJarIsNamedWithTheCommandThatBuildsIt(@TempDir Path dir) {
    String missing = dir.resolve("sqlq-reaper.jar").toString();

    assertThatThrownBy(() -> SqlqApp.jar(missing)).isInstanceOf(IllegalStateException.class)
        .hasMessage("sqlq: no Lambda jar at " + missing
            + ": build the jars first with `mvn -B package -DskipTests` at the repository root");
  }

  @Test
  void aJarThatIsThereBecomesItsCode(@TempDir Path dir) throws Exception {
    Path jar = Files.write(dir.resolve("sqlq-consumer.jar"), new byte[] {'P', 'K', 3, 4});

    assertThat(SqlqApp.jar(jar.toString())).isInstanceOfSatisfying(AssetCode.class,
        code -> assertThat(code.getPath()).isEqualTo(jar.toAbsolutePath().normalize().toString()));
  }
}
