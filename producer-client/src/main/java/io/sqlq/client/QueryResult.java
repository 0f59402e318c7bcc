package io.sqlq.client;

import java.time.Duration;
import java.util.List;

/**
 * The rows of a query answered from a snapshot ({@link DatabaseClient#query}).
 *
 * @param db the database name
 * @param columns the result column names, in order
 * @param rows the rows, each as many values as {@code columns}: null, Long, Double, String or
 *     byte[]
 * @param dbVersion the version of the snapshot that answered (the {@code dbVersion} of the
 *     last batch it holds; 0 for a database sqlq never wrote)
 * @param age how long before the query the snapshot was last known current (downloaded, or
 *     confirmed unchanged by the store); zero or a few ms for {@link Consistency#latest()}
 */
public record QueryResult(String db, List<String> columns, List<List<Object>> rows, long dbVersion, Duration age) {
  public QueryResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }
}
