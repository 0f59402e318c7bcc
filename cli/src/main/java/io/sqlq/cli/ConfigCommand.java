package io.sqlq.cli;

import picocli.CommandLine.Command;

/** {@code sqlq config}: where the commands' stack configuration comes from. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Stack configuration for the other commands.",
    subcommands = FromStackCommand.class)
final class ConfigCommand {}
