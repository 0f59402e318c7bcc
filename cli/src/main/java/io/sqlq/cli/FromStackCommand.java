package io.sqlq.cli;

import io.sqlq.core.ConfigurationException;
import io.sqlq.core.Environment;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * {@code sqlq config from-stack NAME}: reads the outputs of a deployed sqlq stack (CloudFormation
 * DescribeStacks, so the caller needs {@code cloudformation:DescribeStacks} on it) and prints them
 * as {@code export} lines for {@code eval "$(sqlq config from-stack NAME)"}, or writes them to a
 * file to {@code source} later. See {@link StackOutputs} for the names.
 */
@Command(name = "from-stack", mixinStandardHelpOptions = true,
    description = {"Print the SQLQ_* and AWS_REGION variables of a deployed stack as export lines.",
        "Use: eval \"$(sqlq config from-stack sqlq)\""})
final class FromStackCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The CloudFormation stack name (the CDK app's default: sqlq).")
  String stackName;

  @Option(names = "--region", description = "The stack's region (default: AWS_REGION, else AWS_DEFAULT_REGION).")
  String region;

  @Option(names = "--endpoint-url", description = "An AWS API endpoint such as an emulator (default: AWS_ENDPOINT_URL).")
  URI endpoint;

  @Option(names = "--output", description = "Write the lines to this file (created or replaced) instead of printing them.")
  Path output;

  @Override
  public Integer call() throws Exception {
    Environment env = Environment.system();
    String regionName = region != null && !region.isBlank() ? region : env.region();
    if (regionName == null) {
      throw new ConfigurationException("no region: pass --region or set AWS_REGION");
    }
    Endpoints endpoints = endpoint != null ? Endpoints.of(endpoint) : env.endpoints();
    Stack stack;
    try (AwsClients clients = new AwsClients(regionName, endpoints);
        CloudFormationClient cloudFormation = clients.newClient(CloudFormationClient.builder())) {
      stack = cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks().get(0);
    } catch (SdkException e) {
      throw AwsCallFailedException.of("CloudFormation DescribeStacks " + stackName, e);
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Output o : stack.outputs()) {
      outputs.put(o.outputKey(), o.outputValue());
    }
    String lines = StackOutputs.exports(
        StackOutputs.environment(stackName, stack.stackStatusAsString(), regionName, outputs));
    if (output == null) {
      System.out.print(lines);
    } else {
      Files.writeString(output, lines);
      System.err.println("sqlq: wrote " + output + "; load it with: . " + output);
    }
    return 0;
  }
}
