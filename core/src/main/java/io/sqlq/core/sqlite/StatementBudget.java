package io.sqlq.core.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
 * <p>Used by the consumer for every statement of a batch and by the SDK for every snapshot query.
 *
 * @param perStatement the budget of one statement ({@link io.sqlq.core.SqlqConfig#statementTimeout()})
 */
public record StatementBudget(Duration perStatement) {
  /**
   * SQLite VM instructions between two clock reads: 10,000, a few microseconds of work, so the
   * check costs about 1% and an interrupt comes within milliseconds of the budget.
   */
  public static final int OPCODES_PER_CHECK = 10_000;

  /** @throws IllegalArgumentException when {@code perStatement} is zero or negative */
  public StatementBudget {
    if (perStatement.isNegative() || perStatement.isZero()) {
      throw new IllegalArgumentException("a statement budget must be positive, not " + perStatement.toMillis() + " ms");
    }
  }

  /** A statement's work, run under the budget. */
  public interface Work<T> {
    /** Runs the work; a statement past the budget fails with SQLITE_INTERRUPT. */
    T run() throws SQLException, StatementFailedException;
  }

  /**
   * Runs {@code work} with the budget armed on {@code connection}, and disarms it after.
   *
   * @throws SQLException from the work; a statement past its budget fails with SQLITE_INTERRUPT
   */
  public <T> T run(Connection connection, Work<T> work) throws SQLException, StatementFailedException {
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
