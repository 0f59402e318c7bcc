package io.sqlq.cli.bench;

import io.sqlq.core.protocol.Statement;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What every mode of one bench row runs: the same statements, in order, on each of
 * {@code databases} databases, each starting from the same file ({@code seed}, or empty).
 *
 * @param name the row's name in the table, the report and the JSON ({@code chinook},
 *     {@code insert-16MB}, {@code mix-90/10}, {@code databases-4})
 * @param series which comparison the row belongs to: {@link Series}
 * @param seed the database file each database starts from (uploaded to S3 for the modes that use
 *     it, copied for the local ones), or null for an empty database
 * @param seedBytes the seed's size, 0 without one
 * @param databases how many databases run at once, each with all of {@code statements}
 * @param statements the statements of one database, in order
 */
record Workload(String name, Series series, Path seed, long seedBytes, int databases, List<Statement> statements) {
  /** The comparisons the bench makes, each a series of rows. */
  enum Series {
    /** The Chinook 1.4.4 script: the reference workload. */
    CHINOOK,
    /** Inserts into a database that starts at a given size: how a batch's cost grows with the file. */
    SIZE,
    /** 90 % point reads, 10 % updates by primary key. */
    MIX,
    /** Inserts spread over 1, 4, 16 databases at once. */
    DATABASES,
    /** Point reads each way a client reads (not a workload of the modes: {@link ReadRuns}, on the pipeline's stack). */
    READS,
    /** What each storage layout uploads and downloads for a generated script (not a workload of the modes: {@link StorageRuns}). */
    STORAGE
  }

  Workload {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(series, "series");
    statements = List.copyOf(statements);
    if (databases < 1 || statements.isEmpty()) {
      throw new IllegalArgumentException("a workload needs a database and a statement: " + name);
    }
  }

  /** Statements of all databases together. */
  int totalStatements() {
    return databases * statements.size();
  }

  /** The name of database {@code index} of this workload in mode {@code mode}: unique in one run. */
  String database(Mode mode, int index) {
    return (name.replaceAll("[^A-Za-z0-9_-]", "-") + "-" + mode.label() + "-" + index);
  }
}
