package io.sqlq.client;

import io.sqlq.core.protocol.Reply;

/**
 * The example of the SDK's README section ({@code producer-client/README-snippet.md}) and of
 * {@link SqlqClient}'s class Javadoc, which show the line after {@code README: first line}, then
 * the lines between {@code README: body begins} and {@code README: body ends}, indented by two,
 * then {@code }}. {@link ReadmeExampleTest} checks that both show exactly these lines and runs
 * {@link #run} against the test doubles; {@link #main} runs it against the stack that the
 * environment describes.
 */
final class ReadmeExample {
  private ReadmeExample() {}

  /** Runs the example against the stack that the {@code SQLQ_*} and {@code AWS_*} variables describe. */
  public static void main(String[] args) {
    // README: first line
    try (SqlqClient client = SqlqClient.fromEnvironment()) {
      run(client);
    }
  }

  /**
   * The body of the example: creates table {@code orders} in database {@code shop} if needed,
   * inserts an order and prints {@code order <rowid>}, or the error code and message.
   *
   * @throws java.util.concurrent.CompletionException wrapping the exception a future failed
   *     with (as {@link SqlqClient#submit(io.sqlq.core.protocol.Statement)} lists)
   */
  static void run(SqlqClient client) {
    // README: body begins
    DatabaseClient shop = client.database("shop");
    shop.submit("CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, item TEXT, qty INTEGER)").join();
    Reply reply = shop.submit("INSERT INTO orders(item, qty) VALUES (?, ?)", "apple", 3).join();
    if (reply.ok()) {
      System.out.println("order " + reply.results().getFirst().lastInsertRowid());
    } else {
      System.out.println(reply.error().code() + ": " + reply.error().message());
    }
    // README: body ends
  }
}
