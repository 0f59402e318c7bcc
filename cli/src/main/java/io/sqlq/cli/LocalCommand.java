package io.sqlq.cli;

import picocli.CommandLine.Command;

/** {@code sqlq local}: the whole pipeline on a local AWS emulator. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run the whole pipeline on this machine, on moto_server (or the emulator AWS_ENDPOINT_URL names).",
    subcommands = {LocalUpCommand.class, LocalRunCommand.class})
final class LocalCommand {}
