package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input on the command line ends in one readable line and exit code 2, never a stack trace. */
class MainTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void aBadDatabaseNameIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path script = java.nio.file.Files.writeString(dir.resolve("s.sql"), "SELECT 1;");

    int code = run("local", "run", "--db", "../etc", "--file", script.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: invalid database name '../etc'").doesNotContain("\tat ");
  }

  @Test
  void aMissingScriptFileIsNamed(@TempDir Path dir) {
    int code = run("local", "run", "--db", "main", "--file", dir.resolve("nope.sql").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: no such file: ").contains("nope.sql").doesNotContain("\tat ");
  }

  @Test
  void aScriptWithAnUnterminatedStringSaysWhichLine(@TempDir Path dir) throws Exception {
    Path script = java.nio.file.Files.writeString(dir.resolve("s.sql"), "SELECT 1;\nINSERT INTO t VALUES ('oops);\n");

    int code = run("local", "run", "--db", "main", "--file", script.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: ").contains("line 2").doesNotContain("\tat ");
  }

  @Test
  void submitWithoutAStackConfigurationNamesTheMissingVariables() {
    int code = run("submit", "--db", "main", "SELECT 1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: missing environment variables: ").contains("SQLQ_BUCKET");
  }

  @Test
  void queryWithoutAStackConfigurationNamesTheMissingVariables() {
    int code = run("query", "--db", "main", "SELECT 1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: missing environment variables: ").contains("SQLQ_BUCKET");
  }

  @Test
  void execAndLocksWithoutAStackConfigurationNameTheMissingVariables() {
    for (String[] args : new String[][] {{"exec", "--db", "main", "VACUUM"}, {"locks", "list"}, {"locks", "reap"}}) {
      int code = run(args);

      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).startsWith("sqlq: missing environment variables: ").contains("SQLQ_LOCK_VPC_ID");
      err.getBuffer().setLength(0);
    }
  }

  @Test
  void execRefusesABadDatabaseNameBeforeReadingTheConfiguration() {
    int code = run("exec", "--db", "../x", "VACUUM");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: invalid database name '../x'");
  }

  @Test
  void parametersWithAScriptFileAreRefusedRatherThanIgnored(@TempDir Path dir) throws Exception {
    Path script = java.nio.file.Files.writeString(dir.resolve("s.sql"), "SELECT ?;");

    int code = run("submit", "--db", "main", "--file", script.toString(), "-p", "1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: -p binds the values of one statement");
  }

  @Test
  void dlqReplayRefusesABadMaxOrDatabaseBeforeTouchingTheQueue() {
    assertThat(run("dlq", "replay", "--max", "0")).isEqualTo(2);
    assertThat(run("dlq", "replay", "--db", "../etc")).isEqualTo(2);

    assertThat(err.toString()).contains("sqlq: max must be at least 1, not 0")
        .contains("sqlq: invalid database name '../etc'").doesNotContain("\tat ");
  }

  @Test
  void dlqListWithoutAStackConfigurationNamesTheMissingVariables() {
    int code = run("dlq", "list");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("sqlq: missing environment variables: ").contains("SQLQ_DEAD_LETTER_QUEUE_URL");
  }

  @Test
  void aDeadLetterIsOneTabSeparatedLineWithItsReasonAndSqlOnOneLine() {
    var letter = new io.sqlq.client.DeadLetter("main", "req-1", 1, 6, "redriven after 6 receives",
        "INSERT INTO t\nVALUES (1)", "m-1", "req-1", "1", "{}");

    assertThat(DlqCommand.line(letter)).isEqualTo("main\treq-1\t6\tredriven after 6 receives\tINSERT INTO t VALUES (1)");
  }

  @Test
  void aParameterThatIsNotJsonIsRefusedWithAHint() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> JsonParams.parse(java.util.List.of("x y"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quote text as");
  }

  @Test
  void jsonParametersKeepTheirTypes() {
    var params = (io.sqlq.core.protocol.Params.Positional) JsonParams.parse(
        java.util.List.of("1", "2.5", "\"x\"", "null", "true"));

    assertThat(params.values()).containsExactly(1L, 2.5, "x", null, true);
  }

  @Test
  void benchRefusesAnUnknownModeOrAMissingScriptBeforeStartingAnything(@TempDir Path dir) {
    assertThat(run("bench", "--modes", "sqlite,fast")).isEqualTo(2);
    assertThat(run("bench", "--chinook", dir.resolve("nope.sql").toString())).isEqualTo(2);

    assertThat(err.toString()).contains("sqlq: unknown mode 'fast': one of [sqlite, applier, pipeline, baseline]")
        .contains("sqlq: no such file: ").contains("nope.sql").doesNotContain("\tat ");
  }
}
