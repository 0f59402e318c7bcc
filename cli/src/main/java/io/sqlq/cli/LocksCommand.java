package io.sqlq.cli;

import picocli.CommandLine.Command;

/** {@code sqlq locks}: the lock Security Groups of the stack the environment describes. */
@Command(name = "locks", mixinStandardHelpOptions = true,
    description = "List or reap the database locks (Security Groups in the lock VPC).",
    subcommands = {LocksListCommand.class, LocksReapCommand.class})
final class LocksCommand {}
