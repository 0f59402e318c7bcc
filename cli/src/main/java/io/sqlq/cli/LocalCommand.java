package io.sqlq.cli;

import picocli.CommandLine.Command;

/** {@code sqlq local}: the whole pipeline on a local AWS emulator. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run the whole pipeline on this machine, on ElasticMQ and moto_server (or the emulators AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS name).",
    subcommands = {LocalUpCommand.class, LocalRunCommand.class, EmulatorsCommand.class})
final class LocalCommand {}
