package io.sqlq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import io.sqlq.core.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.sqlite.ProgressHandler;

/**
 * The longest time one statement of a request may run before SQLite interrupts it, so a
 * runaway query ({@code WITH RECURSIVE} without end, a cross join of large tables) cannot hold
 * the database's lock past its lease. The interrupted statement fails with
 * {@code SQLITE_INTERRUPT}, which the consumer answers {@code SQLQ_STATEMENT_TIMEOUT}.
 *
 * <p>Measured with sqlite-jdbc's {@link ProgressHandler} (sqlite.org/c3ref/progress_handler.html),
 * called every {@link #OPCODES_PER_CHECK} virtual machine instructions; a non-zero answer
 * interrupts the statement. The budget bounds each statement, not the batch: a batch of many
 * slow statements is bounded by the function timeout, and a lock broken by the reaper is
 * harmless because publishing is fenced (DESIGN.md, "Invariants: Fencing").
 *
 * @param perStatement the budget of one statement
 */
record StatementBudget(Duration perStatement) {
  /** Default budget of one statement: 10,000 ms. */
  static final Duration DEFAULT = Duration.ofSeconds(10);

  /**
   * SQLite VM instructions between two clock reads: 10,000, a few microseconds of work, so the
   * check costs about 1% and an interrupt comes within milliseconds of the budget.
   */
  static final int OPCODES_PER_CHECK = 10_000;

  StatementBudget {
    if (perStatement.isNegative() || perStatement.isZero()) {
      throw new IllegalArgumentException("a statement budget must be positive, not " + perStatement.toMillis() + " ms");
    }
  }

  /** {@link #DEFAULT}, or a quarter of {@code lease} when that is shorter: the budget when none is configured. */
  static StatementBudget forLease(Duration lease) {
    Duration quarter = lease.dividedBy(4);
    return new StatementBudget(quarter.compareTo(DEFAULT) < 0 && !quarter.isZero() ? quarter : DEFAULT);
  }

  /** Environment variable that sets the budget, in milliseconds. */
  static final String ENVIRONMENT_VARIABLE = "SQLQ_STATEMENT_TIMEOUT_MS";

  /**
   * The budget {@code SQLQ_STATEMENT_TIMEOUT_MS} sets, or {@link #forLease} when it is unset.
   *
   * @throws ConfigurationException when it is not a whole number of milliseconds, or not at
   *     least 1 and below the lease (a statement must not outlive the lock it runs under)
   */
  static StatementBudget fromEnvironment(Map<String, String> env, Duration lease) {
    String value = env.get(ENVIRONMENT_VARIABLE);
    if (value == null || value.isBlank()) {
      return forLease(lease);
    }
    long ms;
    try {
      ms = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(ENVIRONMENT_VARIABLE + " must be a whole number of milliseconds: '" + value + "'");
    }
    if (ms < 1 || ms >= lease.toMillis()) {
      throw new ConfigurationException(ENVIRONMENT_VARIABLE + " must be at least 1 and below the lease of "
          + lease.toMillis() + " ms, not " + ms);
    }
    return new StatementBudget(Duration.ofMillis(ms));
  }

  /** A statement's work, run under the budget. */
  interface Work<T> {
    T run() throws SQLException, StatementFailedException;
  }

  /**
   * Runs {@code work} with the budget armed on {@code connection}, and disarms it after.
   *
   * @throws SQLException from the work; a statement past its budget fails with SQLITE_INTERRUPT
   */
  <T> T run(Connection connection, Work<T> work) throws SQLException, StatementFailedException {
    long deadline = System.nanoTime() + perStatement.toNanos();
    ProgressHandler.setHandler(connection, OPCODES_PER_CHECK, new ProgressHandler() {
      @Override
      protected int progress() {
        return System.nanoTime() - deadline > 0 ? 1 : 0;
      }
    });
    try {
      return work.run();
    } finally {
      ProgressHandler.clearHandler(connection);
    }
  }
}
