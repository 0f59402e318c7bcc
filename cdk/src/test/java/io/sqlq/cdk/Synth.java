package io.sqlq.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/** Synthesizes stacks for the tests: temp asset directories stand in for the Lambda jars. */
final class Synth {
  private Synth() {}

  /** What one synth made: the stacks by name, and the cloud assembly directory (cdk-nag's reports). */
  record Result(Map<String, SqlqStack> stacks, Path outdir) {}

  /**
   * One app with a stack per entry, each built from the defaults changed by its customizer,
   * checked by the AwsSolutions pack, synthesized once.
   */
  static Result synth(Map<String, UnaryOperator<SqlqDatabaseProps.Builder>> customizers) {
    App app = new App();
    Map<String, SqlqStack> stacks = new java.util.LinkedHashMap<>();
    customizers.forEach((name, customize) -> {
      var props = customize.apply(SqlqDatabaseProps.builder().consumerCode(asset("consumer")).reaperCode(asset("reaper")));
      stacks.put(name, new SqlqStack(app, name, StackProps.builder().build(), props.build()));
    });
    Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
    return new Result(stacks, Path.of(app.synth().getDirectory()));
  }

  /** A directory holding one file, as a Lambda code asset. */
  static Code asset(String name) {
    try {
      Path dir = Files.createTempDirectory("sqlq-cdk-" + name);
      Files.writeString(dir.resolve(name + ".txt"), name);
      dir.toFile().deleteOnExit();
      return Code.fromAsset(dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A CloudFormation value as one readable string: {@code Ref} as {@code ${X}}, {@code Fn::GetAtt}
   * as {@code ${X.Attr}}, {@code Fn::Join} joined, lists and maps (keys sorted) rendered element by element.
   */
  @SuppressWarnings("unchecked")
  static String render(Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1) {
      Object ref = map.get("Ref");
      if (ref != null) {
        return "${" + ref + "}";
      }
      Object getAtt = map.get("Fn::GetAtt");
      if (getAtt instanceof List<?> parts) {
        return "${" + parts.get(0) + "." + parts.get(1) + "}";
      }
      Object join = map.get("Fn::Join");
      if (join instanceof List<?> parts) {
        String separator = (String) parts.get(0);
        return ((List<Object>) parts.get(1)).stream().map(Synth::render).collect(Collectors.joining(separator));
      }
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Synth::render).collect(Collectors.joining(", ", "[", "]"));
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator.comparing(String::valueOf)))
          .map(e -> e.getKey() + "=" + render(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }
    return String.valueOf(value);
  }
}
