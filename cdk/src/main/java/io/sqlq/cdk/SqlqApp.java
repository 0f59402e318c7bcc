package io.sqlq.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The CDK app {@code cdk.json} runs: one {@link SqlqStack} built from the Lambda jars of the Maven
 * build, checked with the cdk-nag AwsSolutions pack (an unsuppressed finding fails the synth).
 *
 * <p>Context values ({@code cdk synth -c key=value}): {@code sqlq:stackName} (default {@code sqlq}),
 * {@code sqlq:namePrefix} (default the stack name), {@code sqlq:consumerJar} and
 * {@code sqlq:reaperJar} (defaults {@value #CONSUMER_JAR} and {@value #REAPER_JAR}, relative to
 * {@code cdk/}, where {@code cdk.json} is).
 */
public final class SqlqApp {
  /** The consumer jar as {@code mvn package} leaves it, relative to {@code cdk/}. */
  public static final String CONSUMER_JAR = "../consumer-function/target/sqlq-consumer.jar";
  /** The reaper jar as {@code mvn package} leaves it, relative to {@code cdk/}. */
  public static final String REAPER_JAR = "../reaper-function/target/sqlq-reaper.jar";

  private SqlqApp() {}

  /** @throws IllegalStateException when a jar is missing, saying how to build it */
  public static void main(String[] args) {
    App app = new App();
    String stackName = context(app, "sqlq:stackName", "sqlq");
    var props = SqlqDatabaseProps.builder()
        .namePrefix(context(app, "sqlq:namePrefix", stackName))
        .consumerCode(jar(context(app, "sqlq:consumerJar", CONSUMER_JAR)))
        .reaperCode(jar(context(app, "sqlq:reaperJar", REAPER_JAR)))
        .build();
    new SqlqStack(app, stackName, StackProps.builder()
        .description("sqlq: queued SQL writes to SQLite databases in S3").build(), props);
    Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
    app.synth();
  }

  private static String context(App app, String key, String fallback) {
    Object value = app.getNode().tryGetContext(key);
    return value == null ? fallback : value.toString();
  }

  /** The jar at {@code path} as Lambda code; @throws IllegalStateException naming it when it is not there */
  static Code jar(String path) {
    Path jar = Path.of(path).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("sqlq: no Lambda jar at " + jar
          + ": build the jars first with `mvn -B package -DskipTests` at the repository root");
    }
    return Code.fromAsset(jar.toString());
  }
}
