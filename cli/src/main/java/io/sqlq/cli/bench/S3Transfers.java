package io.sqlq.cli.bench;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpHeaders;

/**
 * Counts the PutObject and GetObject requests of the one S3 client it is added to, and the bytes
 * each carried: a PutObject's request body, a GetObject's response body (0 for a 304 Not
 * Modified), both by their {@code Content-Length} header. Counted after each HTTP request is sent
 * ({@code afterTransmission}), so a retried call counts each attempt, as each attempt moves its
 * bytes. Thread-safe.
 */
final class S3Transfers implements ExecutionInterceptor {
  private final LongAdder puts = new LongAdder();
  private final LongAdder putBytes = new LongAdder();
  private final LongAdder gets = new LongAdder();
  private final LongAdder getBytes = new LongAdder();

  /**
   * What was transferred up to a moment.
   *
   * @param puts PutObject requests
   * @param putBytes bytes their bodies carried up
   * @param gets GetObject requests, a 304 included
   * @param getBytes bytes their bodies carried down
   */
  record Totals(long puts, long putBytes, long gets, long getBytes) {
    /** What was transferred after {@code earlier} up to this. */
    Totals since(Totals earlier) {
      return new Totals(puts - earlier.puts, putBytes - earlier.putBytes, gets - earlier.gets,
          getBytes - earlier.getBytes);
    }
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    switch (attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)) {
      case "PutObject" -> {
        puts.increment();
        putBytes.add(contentLength(context.httpRequest()));
      }
      case "GetObject" -> {
        gets.increment();
        getBytes.add(contentLength(context.httpResponse()));
      }
      default -> {
        // neither uploads nor downloads a database's bytes
      }
    }
  }

  /** What was transferred so far. */
  Totals totals() {
    return new Totals(puts.sum(), putBytes.sum(), gets.sum(), getBytes.sum());
  }

  private static long contentLength(SdkHttpHeaders message) {
    return message.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
  }
}
