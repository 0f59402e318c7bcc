package io.sqlq.core.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of one successful statement.
 *
 * @param columns result column names, empty for a statement that returns no rows
 * @param rows result rows, each as many values as {@code columns}; values are null, Long,
 *     Double, String or byte[]
 * @param rowsAffected rows inserted, updated or deleted by this statement (SQLite
 *     {@code sqlite3_changes()}), 0 for a query
 * @param lastInsertRowid the connection's last insert rowid after a data-changing statement
 *     (SQLite {@code sqlite3_last_insert_rowid()}), null for a query
 */
public record StatementResult(
    List<String> columns, List<List<Object>> rows, long rowsAffected, Long lastInsertRowid) {
  public StatementResult {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** The result of a statement that changed data and returned no rows. */
  public static StatementResult changes(long rowsAffected, long lastInsertRowid) {
    return new StatementResult(List.of(), List.of(), rowsAffected, lastInsertRowid);
  }
}
