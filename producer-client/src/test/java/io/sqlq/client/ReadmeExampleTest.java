package io.sqlq.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's example runs and prints what it should, and the README (the repository root's)
 * and the class Javadoc of {@link SqlqClient} show exactly its lines. Paths are relative to the module
 * directory, where Maven runs the tests.
 */
class ReadmeExampleTest {
  static final Path EXAMPLE = Path.of("src/test/java/io/sqlq/client/ReadmeExample.java");
  static final Path README = Path.of("..", "README.md");
  static final Path CLIENT = Path.of("src/main/java/io/sqlq/client/SqlqClient.java");

  @Test
  void theExampleCreatesTheTableThenInsertsAndPrintsTheOrder() throws Exception {
    FakeSqs sqs = new FakeSqs();
    FakeConsumer consumer = new FakeConsumer(sqs, SqlqClientTest.REQUESTS, SqlqClientTest.DEFAULT_REPLIES);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;

    try (SqlqClient client = SqlqClient.forStack(SqlqClientTest.STACK, sqs, SqlqClientTest.UNUSED_S3, List.of(),
        settings -> settings.replyWaitTime(Duration.ofSeconds(1)))) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      try {
        ReadmeExample.run(client);
      } finally {
        System.setOut(stdout);
      }
    }

    assertThat(consumer.messages()).extracting(m -> m.getFirst().db()).containsExactly("shop", "shop");
    assertThat(consumer.messages()).extracting(m -> m.getFirst().statements().getFirst().sql())
        .containsExactly("CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, item TEXT, qty INTEGER)",
            "INSERT INTO orders(item, qty) VALUES (?, ?)");
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .as("the fake consumer answers each message's statements with lastInsertRowid = the database version")
        .isEqualTo("order 2" + System.lineSeparator());
  }

  @Test
  void theReadmeSnippetShowsTheExampleVerbatim() throws IOException {
    assertThat(Files.readString(README, StandardCharsets.UTF_8)).contains(example());
  }

  @Test
  void theClassJavadocShowsTheExampleVerbatim() throws IOException {
    String javadoc = Files.readAllLines(CLIENT, StandardCharsets.UTF_8).stream()
        .takeWhile(line -> !line.startsWith("public final class"))
        .map(line -> line.replaceFirst("^ \\* ?", ""))
        .collect(Collectors.joining("\n"));

    assertThat(javadoc).contains(example());
  }

  /**
   * The example as the README shows it: the line after {@code README: first line}, the body
   * indented by two, and the closing brace.
   */
  static String example() throws IOException {
    List<String> source = Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8);
    String first = source.get(indexOf(source, "// README: first line") + 1).strip();
    List<String> body = source.subList(indexOf(source, "// README: body begins") + 1,
        indexOf(source, "// README: body ends"));
    int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElseThrow();
    List<String> lines = new ArrayList<>();
    lines.add(first);
    body.forEach(l -> lines.add(l.isBlank() ? "" : "  " + l.substring(indent)));
    lines.add("}");
    assertThat(lines).as("the example found in %s", EXAMPLE).hasSizeGreaterThan(4);
    return String.join("\n", lines);
  }

  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line '" + marker + "' in " + EXAMPLE);
  }
}
