package io.sqlq.cli;

import io.sqlq.cli.bench.BenchCommand;
import picocli.CommandLine.Command;

/** {@code sqlq}: queued SQL for SQLite databases in S3. */
@Command(name = "sqlq", mixinStandardHelpOptions = true, version = "sqlq 0.1.0",
    description = "Queued SQL writes to SQLite databases stored in S3.",
    subcommands = {LocalCommand.class, SubmitCommand.class, QueryCommand.class, DlqCommand.class, ConfigCommand.class,
        ExecCommand.class, LocksCommand.class, BenchCommand.class, HistoryCommand.class, RestoreCommand.class})
final class SqlqCommand {}
