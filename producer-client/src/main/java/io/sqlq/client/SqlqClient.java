package io.sqlq.client;

import io.sqlq.core.DatabaseName;
import io.sqlq.core.Environment;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.payload.Payloads;
import io.sqlq.core.protocol.MessageLimits;
import io.sqlq.core.protocol.MessageSizes;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.ReplyCodec;
import io.sqlq.core.protocol.Request;
import io.sqlq.core.protocol.RequestCodec;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PageDeltaStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The sqlq SDK: submits SQL to a database through the request queue and completes a future with
 * the consumer's {@link Reply} from the client's own reply queue (DESIGN.md, "Who uses it, and
 * how"). One client is meant to be shared by every thread of an application; it is immutable
 * and thread-safe.
 *
 * <p><b>Example.</b> With the stack's variables set ({@link #fromEnvironment(Consumer)} lists
 * them):
 * <pre>{@code
 * try (SqlqClient client = SqlqClient.fromEnvironment()) {
 *   DatabaseClient shop = client.database("shop");
 *   shop.submit("CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, item TEXT, qty INTEGER)").join();
 *   Reply reply = shop.submit("INSERT INTO orders(item, qty) VALUES (?, ?)", "apple", 3).join();
 *   if (reply.ok()) {
 *     System.out.println("order " + reply.results().getFirst().lastInsertRowid());
 *   } else {
 *     System.out.println(reply.error().code() + ": " + reply.error().message());
 *   }
 * }
 * }</pre>
 * An SQL error is a normal reply ({@code reply.ok()} is false); {@code join()} throws a
 * {@link java.util.concurrent.CompletionException} when the future failed, as
 * {@link #submit(Statement)} lists. {@link #builder()} takes an {@link SqsClient} of the
 * caller's and more settings.
 *
 * <p><b>Lifecycle.</b> {@link #builder()}{@code ...build()} validates the settings, creates the
 * client's reply queue when {@link Builder#ownReplyQueue()} asks for one, and starts three
 * daemon threads: {@code sqlq-sender} (coalesces submits into bundles and sends them),
 * {@code sqlq-reply-listener} (long-polls the reply queue) and {@code sqlq-timeouts} (fails
 * requests whose {@code requestTimeout} has passed). {@link #close()} then:
 * <ol>
 *   <li>stops accepting submits: later ones fail with {@link ClientClosedException};
 *   <li>seals and sends every pending bundle (waiting up to {@code requestTimeout});
 *   <li>waits for the replies still outstanding, up to {@code requestTimeout}; requests
 *       time out as usual meanwhile;
 *   <li>stops the reply listener (after its current long poll, up to {@code replyWaitTime}
 *       plus 1 s) and fails whatever still awaits a reply with {@link ClientClosedException};
 *   <li>deletes the query snapshots, then the reply queue it created, if any: only now, so
 *       that the listener never polls a deleted queue.
 * </ol>
 * Close is idempotent. The threads are daemons, so a JVM may exit without close, but then
 * pending bundles are lost and an own reply queue is left behind: close the client. An
 * {@link SqsClient} given to the builder belongs to the caller and is not closed.
 *
 * <p><b>Queries.</b> {@link DatabaseClient#query} reads a read-only local snapshot of a database
 * from the {@link Builder#store} without the queue, on the caller's thread, with the
 * {@link Consistency} it names (DESIGN.md, "Reads from snapshots").
 *
 * <p><b>Reply queue.</b> SQS cannot filter a queue by receiver, so the reply queue must be this
 * client's own (DESIGN.md, "Reply queues"): another reader would take its replies, and its
 * requests would time out. Either the client creates and deletes one
 * ({@link Builder#ownReplyQueue()}), or the caller names one it made for this client
 * ({@link Builder#replyQueueUrl(String)}), such as one per instance of a fleet.
 *
 * <p><b>Threads of callbacks.</b> Futures are completed on the reply listener thread (a reply),
 * the sender thread (a failed send), the timeout thread (a timeout) or the caller's thread (a
 * rejected submit). Non-async callbacks run there: keep them short, and do not submit from them
 * when the in-flight bound may be reached (use the {@code ...Async} variants instead).
 */
public final class SqlqClient implements AutoCloseable {
  /** SQS MessageDeduplicationId characters and length; a request id may be one. */
  private static final Pattern SQS_DEDUPLICATION_ID =
      Pattern.compile("[\\p{Alnum}\\p{Punct}]{1," + Request.MAX_ID_LENGTH + "}");

  private final ClientSettings settings;
  private final PendingReplies pending;
  private final BundleSender sender;
  private final ReplyListener listener;
  private final SeenVersions seen = new SeenVersions();
  /** The snapshots queries read, or null when the builder set no store. */
  private final Snapshots snapshots;
  /** The view of the default database, or null when the builder set none. */
  private final DatabaseClient defaultDatabase;
  /**
   * What this client owns besides its threads, closed in this order after the reply listener
   * stopped: the reply queue {@link Builder#ownReplyQueue()} created, then what the builder was
   * told to close ({@link #fromEnvironment()}'s SqsClient and AwsClients).
   */
  private final List<Runnable> owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqlqClient(ClientSettings settings, List<Runnable> owned) {
    this.settings = settings;
    this.owned = owned;
    this.pending = new PendingReplies(settings.maxInFlight(), settings.maxBlock(), settings.requestTimeout(),
        settings.clock());
    this.sender = new BundleSender(settings, new RequestCodec(), pending, UUID.randomUUID().toString());
    this.listener = new ReplyListener(settings, new ReplyCodec(), pending, seen);
    this.snapshots = settings.store() == null ? null : new Snapshots(settings.store(), settings.snapshotMaxBytes(),
        settings.snapshotMaxAge(), settings.queryTimeout(), settings.requestTimeout(), settings.clock());
    this.defaultDatabase =
        settings.defaultDatabase() == null ? null : new DatabaseClient(this, settings.defaultDatabase());
    sender.start();
    listener.start();
  }

  /**
   * A client for the stack that the environment describes, with its own SqsClient and its own
   * reply queue, both closed by {@link #close()}; {@link #fromEnvironment(Consumer)} with no
   * changes. It has no default database: name one with {@link #database(String)}.
   *
   * @return the running client
   * @throws io.sqlq.core.ConfigurationException naming every missing or invalid variable
   * @throws AwsCallFailedException when its reply queue cannot be created
   */
  public static SqlqClient fromEnvironment() {
    return fromEnvironment(settings -> { });
  }

  /**
   * A client for the stack that the environment describes. Reads the variables with
   * {@link SqlqConfig#fromEnvironment}, which requires all of {@code AWS_REGION} (or
   * {@code AWS_DEFAULT_REGION}), {@code SQLQ_REQUEST_QUEUE_URL}, {@code SQLQ_REPLY_QUEUE_URL},
   * {@code SQLQ_BUCKET}, {@code SQLQ_DEAD_LETTER_QUEUE_URL} and {@code SQLQ_LOCK_VPC_ID} (the
   * client itself uses only the region and the two queue URLs), and takes
   * {@code AWS_ENDPOINT_URL} for an emulator; credentials come from the AWS SDK's default chain
   * ({@code AWS_ACCESS_KEY_ID}..., {@code AWS_PROFILE}), or dummy ones against an emulator.
   * Builds its own {@link SqsClient} and {@link S3Client} through {@link AwsClients}, sets
   * {@link Builder#ownReplyQueue()} with the stack's default reply queue and
   * {@link Builder#store} with the stack's bucket ({@code SQLQ_BUCKET}, {@code SQLQ_PREFIX}) for
   * queries. {@link #close()} deletes the reply queue, then closes the clients and the
   * AwsClients.
   *
   * @param settings changes to the other settings, such as
   *     {@code b -> b.defaultDatabase("shop").requestTimeout(Duration.ofSeconds(10))}; it must
   *     not set {@code sqs}, {@code store} or a reply queue
   * @return the running client
   * @throws io.sqlq.core.ConfigurationException naming every missing or invalid variable
   * @throws IllegalStateException when {@code settings} sets {@code sqs} or
   *     {@code replyQueueUrl}, or a setting {@link Builder#build()} refuses
   * @throws IllegalArgumentException when {@code settings} sets a bad value
   * @throws AwsCallFailedException when the reply queue cannot be created
   */
  public static SqlqClient fromEnvironment(Consumer<Builder> settings) {
    SqlqConfig config = SqlqConfig.fromEnvironment(Environment.system());
    AwsClients aws = new AwsClients(config);
    List<Runnable> closers = new ArrayList<>(List.of(aws::close));
    try {
      SqsClient sqs = aws.newSqsClient();
      closers.addFirst(sqs::close);
      S3Client s3 = aws.newS3Client();
      closers.addFirst(s3::close);
      return forStack(config, sqs, s3, List.copyOf(closers), settings);
    } catch (RuntimeException e) {
      try {
        closeAll(closers);
      } catch (RuntimeException notClosed) {
        e.addSuppressed(notClosed);
      }
      throw e;
    }
  }

  /**
   * Builds a client on {@code sqs} for the queues of {@code config}, with its own reply queue,
   * reading snapshots and offloading payloads through {@code s3} in {@code config}'s bucket, that
   * runs {@code closers} in order when it closes, or at once when building fails.
   */
  static SqlqClient forStack(SqlqConfig config, SqsClient sqs, S3Client s3, List<Runnable> closers,
      Consumer<Builder> settings) {
    try {
      DatabaseStore store = new PageDeltaStore(s3, config.bucket(), config.keyPrefix());
      Builder builder = builder().sqs(sqs).store(store).payloads(s3, config.bucket(), config.payloadKeyPrefix())
          .requestQueueUrl(config.requestQueueUrl()).defaultReplyQueueUrl(config.replyQueueUrl()).ownReplyQueue();
      settings.accept(builder);
      if (builder.sqs != sqs || builder.store != store) {
        throw new IllegalStateException("fromEnvironment makes, uses and closes its own SqsClient and store;"
            + " to use others, build with SqlqClient.builder().sqs(...).store(...)");
      }
      closers.forEach(builder::closeOnClose);
      return builder.build();
    } catch (RuntimeException e) {
      try {
        closeAll(closers);
      } catch (RuntimeException notClosed) {
        e.addSuppressed(notClosed);
      }
      throw e;
    }
  }

  /**
   * Starts building a client.
   *
   * @return a builder with every default; {@code sqs}, {@code requestQueueUrl} and a reply
   *     queue must be set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A view of this client bound to {@code database}, for submits to a database other than the
   * default one: {@code client.database("shop").submit(sql, params...)}. Cheap: nothing to
   * close, make one per use or keep it.
   *
   * @param database the database name, {@code [A-Za-z0-9_-]{1,64}}
   * @return the view; its submits behave as this client's
   * @throws io.sqlq.core.InvalidDatabaseNameException when {@code database} is not
   *     {@code [A-Za-z0-9_-]{1,64}}
   */
  public DatabaseClient database(String database) {
    return new DatabaseClient(this, DatabaseName.validate(database));
  }

  /**
   * Submits one statement with positional parameters to the default database; shorthand for
   * {@link #submit(Statement) submit(Statement.of(sql, params))}.
   *
   * @param sql exactly one SQL statement, {@code ?} placeholders
   * @param params the values of the placeholders: null, Boolean, Long, Integer, Short, Byte,
   *     Double, Float, String or byte[]
   * @return a future as described in {@link #submit(Statement)}
   * @throws IllegalStateException when the builder set no default database; as
   *     {@link #submit(Statement)} otherwise
   * @throws IllegalArgumentException when {@code sql} is blank or a parameter has an
   *     unsupported type; as {@link #submit(Statement)} otherwise
   */
  public CompletableFuture<Reply> submit(String sql, Object... params) {
    return defaultDatabase().submit(sql, params);
  }

  /**
   * Submits one statement to the default database ({@link Builder#defaultDatabase(String)});
   * for another database use {@link #database(String)}.
   *
   * <p>While {@code maxInFlight} requests await replies, blocks the calling thread until one of
   * them is answered, fails or times out, at most {@code maxBlock} (default 60,000 ms). The
   * future completes with the reply, whose status is OK or ERROR (an SQL error is a normal
   * completion: inspect {@link Reply#ok()}), or exceptionally with:
   * <ul>
   *   <li>{@link SqlqTimeoutException} when no reply arrived within {@code requestTimeout};
   *       the request may still have been applied: the consumer may have accepted it before
   *       the timeout;
   *   <li>{@link RequestTooLargeException} at once when the request alone exceeds
   *       {@code maxBundleBytes}, or {@link MessageLimits#MAX_PAYLOAD_BYTES} (64 MiB) with
   *       {@link Builder#payloads}; nothing is sent;
   *   <li>{@link AwsCallFailedException} when SendMessage failed after the SDK's own
   *       retries; the other requests of that bundle fail alike, no other request does; or
   *       when the reply queue cannot be read for good (it does not exist, access is denied),
   *       in which case the request may still have been applied;
   *   <li>{@link ClientClosedException} at once after {@link #close()} began, or when close
   *       ended before the request was sent or answered;
   *   <li>{@link InFlightLimitException} after {@code maxBlock} when no in-flight slot freed
   *       meanwhile; nothing is sent, and a retry may succeed;
   *   <li>{@link SubmitInterruptedException} at once when the caller was interrupted while
   *       waiting for an in-flight slot (its interrupt status is set again).
   * </ul>
   *
   * @param statement the statement and its parameters (positional or named)
   * @return the future of the reply, as above
   * @throws IllegalStateException when the builder set no default database, or when the id
   *     supplier returns an id that already awaits a reply
   * @throws IllegalArgumentException when the id supplier returns an id that is not 1 to 128
   *     ASCII letters, digits or punctuation (an SQS deduplication id)
   */
  public CompletableFuture<Reply> submit(Statement statement) {
    return defaultDatabase().submit(statement);
  }

  /**
   * Submits statements to the default database as one transaction: all take effect, in order,
   * or none does (an ERROR reply names the failing statement, 0-based). For another database
   * use {@link #database(String)}.
   *
   * @param statements at least one statement
   * @return a future as described in {@link #submit(Statement)}
   * @throws IllegalStateException when the builder set no default database; as
   *     {@link #submit(Statement)} otherwise
   * @throws IllegalArgumentException when {@code statements} is empty; as
   *     {@link #submit(Statement)} otherwise
   */
  public CompletableFuture<Reply> submitTransaction(List<Statement> statements) {
    return defaultDatabase().submitTransaction(statements);
  }

  /**
   * Runs a read-only query on a snapshot of the default database, without the queue; for another
   * database use {@link #database(String)}.
   *
   * @return the rows, as {@link DatabaseClient#query(Consistency, Statement)} describes
   * @throws IllegalStateException when the builder set no default database; as
   *     {@link DatabaseClient#query(Consistency, Statement)} otherwise
   */
  public QueryResult query(Consistency consistency, String sql, Object... params) {
    return defaultDatabase().query(consistency, sql, params);
  }

  /**
   * Runs {@code statement} on a snapshot of {@code database}, as
   * {@link DatabaseClient#query(Consistency, Statement)} describes.
   */
  QueryResult queryDatabase(String database, Consistency consistency, Statement statement) {
    if (closed.get()) {
      throw new ClientClosedException("client is closed; query on database '" + database + "' not run");
    }
    if (snapshots == null) {
      throw new IllegalStateException("queries read snapshots from a store: set SqlqClient.Builder.store(...)"
          + " (fromEnvironment() does)");
    }
    return snapshots.query(database, consistency, statement);
  }

  /** The highest {@code dbVersion} of this client's replies from {@code database}, 0 when none. */
  long seenVersion(String database) {
    return seen.of(database);
  }

  /**
   * The URL of the queue this client reads its replies from: {@link Builder#replyQueueUrl}, or
   * the queue {@link Builder#ownReplyQueue()} created (gone after {@link #close()}).
   */
  public String replyQueueUrl() {
    return settings.replyQueueUrl();
  }

  /**
   * Closes the client as the class documentation describes; returns at once when already closed.
   *
   * @throws AwsCallFailedException when the reply queue {@link Builder#ownReplyQueue()} created
   *     could not be deleted; everything else was still stopped and closed, and the queue is
   *     left behind (its unread replies expire after one day)
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sender.close();
    pending.awaitAll(settings.requestTimeout());
    listener.close();
    pending.close();
    if (snapshots != null) {
      snapshots.close();
    }
    closeAll(owned);
  }

  /**
   * Runs every closer in order, even after one failed, then throws the first failure with the
   * later ones suppressed.
   */
  private static void closeAll(List<Runnable> closers) {
    RuntimeException failure = null;
    for (Runnable closer : closers) {
      try {
        closer.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Submits one request to {@code database} (already validated), as {@link #submit(Statement)} describes. */
  CompletableFuture<Reply> submitRequest(String database, List<Statement> statements) {
    Request request = new Request(nextRequestId(), database, statements,
        settings.replyQueueUrl(), null);
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedAtSubmit(request));
    }
    BundleSender.Encoded encoded;
    try {
      encoded = sender.encode(request);
    } catch (RequestTooLargeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Reply> future;
    try {
      future = pending.register(request.id(), database);
    } catch (InFlightLimitException e) {
      return CompletableFuture.failedFuture(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new SubmitInterruptedException(database, pending.maxInFlight(), e));
    }
    if (!sender.add(encoded)) {
      pending.fail(request.id(), closedAtSubmit(request));
    }
    return future;
  }

  private String nextRequestId() {
    String id = settings.idSupplier().get();
    if (id == null || !SQS_DEDUPLICATION_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("the id supplier returned '" + id + "': a request id needs 1 to "
          + Request.MAX_ID_LENGTH + " ASCII letters, digits or punctuation, as an SQS deduplication id");
    }
    return id;
  }

  private DatabaseClient defaultDatabase() {
    if (defaultDatabase == null) {
      throw new IllegalStateException("no default database: set SqlqClient.Builder.defaultDatabase(...) "
          + "or name the database with client.database(name).submit(...)");
    }
    return defaultDatabase;
  }

  private static ClientClosedException closedAtSubmit(Request request) {
    return new ClientClosedException("client is closed; request " + request.id()
        + " to database '" + request.db() + "' was not sent");
  }

  /**
   * Settings of a {@link SqlqClient}. Each setter rejects a bad value at once with
   * {@link IllegalArgumentException} naming the value; {@link #build()} checks that the
   * required ones were set. Required: {@link #sqs}, {@link #requestQueueUrl}, and a reply queue,
   * either the caller's ({@link #replyQueueUrl}) or one the client creates and deletes
   * ({@link #ownReplyQueue()} with {@link #defaultReplyQueueUrl}).
   */
  public static final class Builder {
    private SqsClient sqs;
    private String requestQueueUrl;
    private String replyQueueUrl;
    private String defaultReplyQueueUrl;
    private boolean ownReplyQueue;
    /** Closed by the client after its own reply queue; see {@link #closeOnClose}. */
    private final List<Runnable> closeOnClose = new ArrayList<>();
    private String defaultDatabase;
    private Duration linger = Duration.ofMillis(50);
    private int maxBundleRequests = 1_000;
    private int maxBundleBytes = MessageLimits.MAX_BODY_BYTES;
    private int maxInFlight = 10_000;
    private Duration maxBlock = Duration.ofMillis(60_000);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration replyWaitTime = Duration.ofSeconds(20);
    private Supplier<String> idSupplier = () -> UUID.randomUUID().toString();
    private Clock clock = Clock.systemUTC();
    private DatabaseStore store;
    private S3Client payloadS3;
    private String payloadBucket;
    private String payloadKeyPrefix;
    private long snapshotMaxBytes = 1L << 30;
    private Duration snapshotMaxAge = Duration.ofSeconds(60);
    private Duration queryTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The SQS client for every call; required. The caller keeps ownership: {@link SqlqClient#close()}
     * does not close it, so close it after the client. Configure its retries there: a send fails
     * only after them.
     */
    public Builder sqs(SqsClient sqs) {
      this.sqs = require(sqs, "sqs");
      return this;
    }

    /**
     * The store the databases are published to, from which queries fetch their snapshots
     * ({@link io.sqlq.core.store.PageDeltaStore} on the stack's bucket); default none, and then
     * {@code query} throws {@link IllegalStateException}. The caller keeps ownership of the
     * S3 client behind it.
     */
    public Builder store(DatabaseStore store) {
      this.store = require(store, "store");
      return this;
    }

    /**
     * Sends requests over one SQS message, and receives replies over one, through S3 with the
     * SQS extended client library ({@link Payloads#offloading}): a request whose bundle alone
     * takes more than {@code maxBundleBytes} is sent alone, its body stored as an object under
     * {@code keyPrefix} of {@code bucket} and the message carrying a pointer to it, up to
     * {@link MessageLimits#MAX_PAYLOAD_BYTES}; a reply pointer is resolved, and its object deleted
     * once the reply is read. Default off: such a request fails with
     * {@link RequestTooLargeException}. The caller keeps ownership of {@code s3}.
     *
     * @param keyPrefix the stack's payload prefix, {@link SqlqConfig#payloadKeyPrefix()}
     *     ({@code <SQLQ_PREFIX>payloads/}): the consumer follows pointers only into it
     */
    public Builder payloads(S3Client s3, String bucket, String keyPrefix) {
      this.payloadS3 = require(s3, "s3");
      this.payloadBucket = require(bucket, "bucket");
      this.payloadKeyPrefix = require(keyPrefix, "keyPrefix");
      return this;
    }

    /**
     * Most bytes the snapshots of queried databases take on local disk before the least
     * recently read are deleted, at least 1; default 1 GiB (1,073,741,824). A database larger
     * than this is still queried: the snapshot being read is never deleted.
     */
    public Builder snapshotMaxBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("snapshotMaxBytes must be at least 1, not " + max);
      }
      this.snapshotMaxBytes = max;
      return this;
    }

    /**
     * The oldest a snapshot may be when a query reads it, whatever its {@link Consistency},
     * above 0; default 60 s. An older one is checked against the store first (a conditional GET
     * that downloads nothing when the database did not change).
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      this.snapshotMaxAge = positive(maxAge, "snapshotMaxAge");
      return this;
    }

    /**
     * How long one query's statement may run before SQLite interrupts it and the query fails
     * with {@link QueryFailedException} {@code SQLQ_STATEMENT_TIMEOUT}, above 0; default
     * 10,000 ms, the default of the consumer's {@code SQLQ_STATEMENT_TIMEOUT_MS}.
     */
    public Builder queryTimeout(Duration timeout) {
      this.queryTimeout = positive(timeout, "queryTimeout");
      return this;
    }

    /** URL of the FIFO request queue; required. */
    public Builder requestQueueUrl(String url) {
      this.requestQueueUrl = requireUrl(url, "requestQueueUrl");
      return this;
    }

    /**
     * URL of a reply queue that the caller made for this client, which no other client reads;
     * this or {@link #ownReplyQueue()} is required (a fire-and-forget mode without one may come
     * later). The caller keeps it: close does not delete it. It must be the stack's default reply
     * queue or a queue beside it whose name is the default's name, {@code -} and a suffix: the
     * consumer refuses requests naming any other queue and answers them
     * {@code SQLQ_REPLY_QUEUE_REFUSED} on the default reply queue
     * ({@link io.sqlq.core.protocol.ReplyQueues}).
     *
     * @throws IllegalStateException when {@link #ownReplyQueue()} was set: a client reads one
     *     reply queue
     */
    public Builder replyQueueUrl(String url) {
      String checked = requireUrl(url, "replyQueueUrl");
      if (ownReplyQueue) {
        throw bothReplyQueues();
      }
      this.replyQueueUrl = checked;
      return this;
    }

    /**
     * Makes {@link #build()} create a reply queue for this client alone and {@link SqlqClient#close()}
     * delete it, after the reply listener stopped reading it: an {@link OwnReplyQueue} named
     * after the stack's default reply queue ({@code <default name>-<12 hex>}, which the consumer
     * accepts), tagged with its owner and creation time, keeping unread replies one day. Needs
     * {@link #defaultReplyQueueUrl}. Costs a CreateQueue at build and a DeleteQueue at close.
     *
     * @throws IllegalStateException when {@link #replyQueueUrl} was set: a client reads one
     *     reply queue
     */
    public Builder ownReplyQueue() {
      if (replyQueueUrl != null) {
        throw bothReplyQueues();
      }
      this.ownReplyQueue = true;
      return this;
    }

    /**
     * URL of the stack's default reply queue ({@code SQLQ_REPLY_QUEUE_URL}), after whose name
     * {@link #ownReplyQueue()} names the queue it creates; needed by that setting and only by
     * it (the client never reads the default reply queue).
     */
    public Builder defaultReplyQueueUrl(String url) {
      this.defaultReplyQueueUrl = requireUrl(url, "defaultReplyQueueUrl");
      return this;
    }

    /**
     * The database of the client's own {@code submit} and {@code submitTransaction} methods;
     * default none, so those throw {@link IllegalStateException} and every submit names its
     * database with {@link SqlqClient#database(String)}.
     *
     * @throws io.sqlq.core.InvalidDatabaseNameException when not {@code [A-Za-z0-9_-]{1,64}}
     */
    public Builder defaultDatabase(String database) {
      this.defaultDatabase = DatabaseName.validate(database);
      return this;
    }

    /**
     * How long a database's first pending request waits for others to join its bundle, at
     * least 0; default 50 ms, the default of rqlite's queued writes. A bundle that fills up
     * is sent sooner.
     */
    public Builder linger(Duration linger) {
      require(linger, "linger");
      if (linger.isNegative()) {
        throw new IllegalArgumentException("linger must be at least 0, not " + linger);
      }
      this.linger = linger;
      return this;
    }

    /**
     * Most requests in one message, 1 to {@link MessageLimits#MAX_REQUESTS_PER_BUNDLE} (the
     * consumer dead-letters a larger bundle); default 1,000.
     */
    public Builder maxBundleRequests(int max) {
      this.maxBundleRequests = requireRange(max, 1, MessageLimits.MAX_REQUESTS_PER_BUNDLE, "maxBundleRequests");
      return this;
    }

    /**
     * Largest message body in UTF-8 bytes, 1 to {@link MessageLimits#MAX_BODY_BYTES}
     * (1,040,384: the SQS message limit less headroom for attributes); default that maximum.
     * {@link #build()} also refuses a value that leaves no room beyond the bundle envelope. A
     * request larger than this alone fails with {@link RequestTooLargeException}, or with
     * {@link #payloads} travels alone through S3.
     */
    public Builder maxBundleBytes(int max) {
      this.maxBundleBytes = requireRange(max, 1, MessageLimits.MAX_BODY_BYTES, "maxBundleBytes");
      return this;
    }

    /**
     * Most requests awaiting a reply at once, at least 1; default 10,000. A submit beyond it
     * blocks until a reply, failure or timeout frees a slot, at most {@link #maxBlock}.
     */
    public Builder maxInFlight(int max) {
      this.maxInFlight = requireRange(max, 1, Integer.MAX_VALUE, "maxInFlight");
      return this;
    }

    /**
     * How long a submit waits for an in-flight slot while {@code maxInFlight} requests await
     * replies, at least 0 (0: not at all); default 60,000 ms. After it, the submit returns a
     * future failed with {@link InFlightLimitException} (Kafka's producer bounds its blocking
     * sends alike with {@code max.block.ms}, also 60,000 ms by default). Measured on the
     * client's clock, read at least every 50 ms.
     *
     * <p>Why 60,000 ms: it is the default {@code requestTimeout}. A slot frees when its request
     * is answered, fails or times out, so every slot frees within about one
     * {@code requestTimeout} (timeouts are checked every 50 ms); with the defaults a submit that
     * gets none in that time is losing the freed slots to other submitting threads, and failing
     * it says so where blocking without end would hide it. With a longer {@code requestTimeout},
     * raise {@code maxBlock} to it if submits should rather wait for the slowest reply.
     */
    public Builder maxBlock(Duration maxBlock) {
      require(maxBlock, "maxBlock");
      if (maxBlock.isNegative()) {
        throw new IllegalArgumentException("maxBlock must be at least 0, not " + maxBlock);
      }
      this.maxBlock = maxBlock;
      return this;
    }

    /**
     * How long after submit a request without reply fails with {@link SqlqTimeoutException},
     * above 0; default 60 s. Checked every 50 ms, so it fires up to 50 ms late. Also the most
     * {@link SqlqClient#close()} waits for sends and for replies.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Long-poll wait of each ReceiveMessage on the reply queue, whole seconds from 0 to 20 (the
     * SQS limit); default 20 s, which makes fewest calls. Close may wait this long plus 1 s
     * for the listener.
     */
    public Builder replyWaitTime(Duration wait) {
      require(wait, "replyWaitTime");
      if (wait.isNegative() || wait.compareTo(Duration.ofSeconds(20)) > 0 || wait.toNanosPart() != 0) {
        throw new IllegalArgumentException("replyWaitTime must be whole seconds from 0 to 20, not " + wait);
      }
      this.replyWaitTime = wait;
      return this;
    }

    /**
     * Source of request ids; default random UUIDs. Each id must be new and 1 to 128 ASCII
     * letters, digits or punctuation; an id that is not fails its submit.
     */
    public Builder idSupplier(Supplier<String> ids) {
      this.idSupplier = require(ids, "idSupplier");
      return this;
    }

    /** The clock of linger and timeouts; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = require(clock, "clock");
      return this;
    }

    /**
     * Builds the client and starts its threads; with {@link #ownReplyQueue()}, creates its
     * reply queue first (and deletes it again when the build fails after that).
     *
     * @throws IllegalStateException when {@code sqs}, {@code requestQueueUrl} or a reply queue
     *     was not set, {@code ownReplyQueue} was set without {@code defaultReplyQueueUrl} or
     *     {@code defaultReplyQueueUrl} without {@code ownReplyQueue}, or {@code maxBundleBytes}
     *     cannot hold the bundle envelope and a request
     * @throws IllegalArgumentException when the default reply queue's name is too long to name
     *     an own queue after it (above 67 characters)
     * @throws AwsCallFailedException when the own reply queue cannot be created
     */
    public SqlqClient build() {
      List<String> missing = new ArrayList<>();
      if (sqs == null) {
        missing.add("sqs");
      }
      if (requestQueueUrl == null) {
        missing.add("requestQueueUrl");
      }
      if (replyQueueUrl == null && !ownReplyQueue) {
        missing.add("replyQueueUrl or ownReplyQueue()");
      }
      if (ownReplyQueue && defaultReplyQueueUrl == null) {
        missing.add("defaultReplyQueueUrl (ownReplyQueue() names its queue after it)");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("settings missing: " + String.join(", ", missing));
      }
      if (defaultReplyQueueUrl != null && !ownReplyQueue) {
        throw new IllegalStateException("defaultReplyQueueUrl is read only by ownReplyQueue(), which is not set;"
            + " the client never reads the default reply queue");
      }
      OwnReplyQueue own = ownReplyQueue
          ? OwnReplyQueue.create(sqs, OwnReplyQueue.prefixOf(defaultReplyQueueUrl), clock) : null;
      try {
        String replies = own == null ? replyQueueUrl : own.url();
        int envelope = MessageSizes.requestBundleOverheadBytes(replies);
        if (maxBundleBytes <= envelope) {
          throw new IllegalStateException("maxBundleBytes " + maxBundleBytes
              + " leaves no room for a request beside the " + envelope + "-byte bundle envelope");
        }
        List<Runnable> owned = new ArrayList<>();
        if (own != null) {
          owned.add(own::close);
        }
        owned.addAll(closeOnClose);
        SqsClient messaging = payloadS3 == null ? sqs
            : Payloads.offloading(sqs, payloadS3, payloadBucket, payloadKeyPrefix);
        int maxRequestBytes = payloadS3 == null ? maxBundleBytes : MessageLimits.MAX_PAYLOAD_BYTES;
        return new SqlqClient(new ClientSettings(messaging, requestQueueUrl, replies, defaultDatabase, linger,
            maxBundleRequests, maxBundleBytes, maxRequestBytes, maxInFlight, maxBlock, requestTimeout, replyWaitTime, idSupplier,
            clock, store, snapshotMaxBytes, snapshotMaxAge, queryTimeout),
            List.copyOf(owned));
      } catch (RuntimeException e) {
        if (own != null) {
          try {
            own.close();
          } catch (RuntimeException notDeleted) {
            e.addSuppressed(notDeleted);
          }
        }
        throw e;
      }
    }

    /**
     * Has the built client run {@code closer} when it closes, after deleting its own reply
     * queue, in the order added; for resources the client's factory made
     * ({@link SqlqClient#fromEnvironment()}).
     */
    Builder closeOnClose(Runnable closer) {
      closeOnClose.add(closer);
      return this;
    }

    private static IllegalStateException bothReplyQueues() {
      return new IllegalStateException("replyQueueUrl(...) and ownReplyQueue() both set: a client reads one reply"
          + " queue, either the caller's (replyQueueUrl) or one it creates and deletes (ownReplyQueue)");
    }

    /** {@code value}, when it is set and above 0. */
    private static Duration positive(Duration value, String name) {
      if (require(value, name).isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be above 0, not " + value);
      }
      return value;
    }

    private static <T> T require(T value, String name) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }

    private static String requireUrl(String url, String name) {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException(name + " must be a queue URL, not '" + url + "'");
      }
      return url;
    }

    private static int requireRange(int value, int min, int max, String name) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", not " + value);
      }
      return value;
    }
  }
}
