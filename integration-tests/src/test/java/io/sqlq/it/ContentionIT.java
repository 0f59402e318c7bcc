package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.cli.AdminExec;
import io.sqlq.client.SqlqClient;
import io.sqlq.consumer.ConsumerHandler;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.core.lock.DatabaseLock;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.LockTimeoutException;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalEmulators;
import io.sqlq.local.LocalEventSourcePoller;
import io.sqlq.local.StackProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Contention on one database: 3 consumer pollers (as 3 concurrent Lambda invocations) apply
 * 2,000 requests from 4 clients while an admin writer outside the queue ({@link AdminExec},
 * what {@code sqlq exec} runs) takes the same lock for {@code VACUUM} again and again. Nothing
 * may be lost, nothing applied twice, and each client's requests must take effect in its
 * order. Prints the lock wait p50/p99 and the EC2 calls per batch, counted by an SDK
 * interceptor on the EC2 clients.
 */
class ContentionIT {
  private static final String DB = "contended";
  private static final int POLLERS = 3;
  private static final int CLIENTS = 4;
  private static final int PER_CLIENT = 500;
  /** Requests per SQS message: small, so that the 2,000 requests make many batches that contend. */
  private static final int BUNDLE = 5;
  /**
   * Pause of the admin writer between two VACUUMs. Without one it takes the lock again the
   * moment it releases it, while waiting consumers sleep up to 1 s between attempts: measured,
   * consumer lock wait p99 9.4 s of a 10 s budget.
   */
  private static final long ADMIN_PAUSE_MS = 100;
  /** The consumers' simulated function timeout, and so their lease and the admin writer's. */
  private static final Duration LEASE = Duration.ofSeconds(20);

  @Test
  void threePollersAndAnAdminWriterOnOneDatabase_loseNothingAndKeepOrder(@TempDir Path work) throws Exception {
    try (LocalEmulators emulators = LocalEmulators.start();
        AwsClients clients = new AwsClients(AwsClients.EMULATOR_REGION, emulators.endpoints());
        var s3 = clients.newS3Client(); var sqs = clients.newSqsClient(); var provisioningEc2 = clients.newEc2Client()) {
      SqlqConfig config = new StackProvisioner(s3, sqs, provisioningEc2).provision("sqlq", Duration.ofSeconds(30),
          LEASE);
      var consumerCalls = new Ec2CallCounter();
      var execCalls = new Ec2CallCounter();
      var consumerLock = new TimedLock(new SecurityGroupLock(countingEc2(emulators.endpoints(), consumerCalls), config.lockVpcId(),
          LEASE, Clock.systemUTC()));
      var execLock = new TimedLock(new SecurityGroupLock(countingEc2(emulators.endpoints(), execCalls), config.lockVpcId(),
          LEASE, Clock.systemUTC()));
      List<LocalEventSourcePoller> pollers = startPollers(config, s3, sqs, consumerLock, work);
      var exec = new AdminExec(execLock, new PageDeltaStore(s3, config.bucket(),
          config.keyPrefix()), work.resolve("exec"), Clock.systemUTC());
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        SqlqClient setup = client(sqs, config, owned);
        setup.submit(Statement.of("CREATE TABLE log(id INTEGER PRIMARY KEY, client INTEGER, seq INTEGER)"))
            .get(60, TimeUnit.SECONDS);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger vacuums = new AtomicInteger();
        Thread admin = Thread.ofPlatform().name("admin-exec").start(() -> {
          while (!done.get()) {
            assertThat(exec.exec(DB, Statement.of("VACUUM"), Duration.ofSeconds(60)).ok()).isTrue();
            vacuums.incrementAndGet();
            sleepMs(ADMIN_PAUSE_MS);
          }
        });
        long start = System.nanoTime();
        Map<Integer, List<CompletableFuture<Reply>>> futures = submitAll(sqs, config, owned);
        Map<Integer, List<Reply>> replies = new HashMap<>();
        for (var entry : futures.entrySet()) {
          List<Reply> list = new ArrayList<>();
          for (var f : entry.getValue()) {
            list.add(f.get(300, TimeUnit.SECONDS));
          }
          replies.put(entry.getKey(), list);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        done.set(true);
        admin.join(120_000);

        for (var entry : replies.entrySet()) {
          assertThat(entry.getValue()).allSatisfy(r -> assertThat(r.ok()).isTrue());
          assertThat(entry.getValue().stream().map(r -> r.results().get(0).lastInsertRowid()).toList())
              .as("ids of client %d in submit order", entry.getKey()).isSorted().doesNotHaveDuplicates();
        }
        checkPublished(s3, config, work);
        assertThat(deadLetters(sqs, config)).as("messages in the dead-letter queue").isZero();
        assertThat(vacuums.get()).as("the admin writer got the lock too").isPositive();

        long batches = pollers.stream().mapToLong(LocalEventSourcePoller::batches).sum();
        System.out.printf("contention: %d requests from %d clients through %d pollers in %d ms; %d consumer batches,"
            + " %d records failed and redelivered; %d VACUUMs by the admin writer%n",
            CLIENTS * PER_CLIENT, CLIENTS, POLLERS, elapsedMs, batches,
            pollers.stream().mapToLong(LocalEventSourcePoller::failedRecords).sum(), vacuums.get());
        System.out.println("lock wait, consumer batches: " + consumerLock.summary());
        System.out.println("lock wait, admin writer:     " + execLock.summary());
        System.out.printf("EC2 calls by the consumers: %s = %.2f per lock acquire; by the admin writer: %s = %.2f per exec%n",
            consumerCalls.byOperation(), consumerCalls.total() / (double) consumerLock.acquires(),
            execCalls.byOperation(), execCalls.total() / (double) Math.max(1, execLock.acquires()));
      } finally {
        for (AutoCloseable c : owned.reversed()) {
          c.close();
        }
        pollers.forEach(LocalEventSourcePoller::close);
      }
    }
  }

  /** The consumers as Lambda builds them, on the timed lock, each with a working directory of its own. */
  private static List<LocalEventSourcePoller> startPollers(SqlqConfig config, S3Client s3, SqsClient sqs,
      DatabaseLock lock, Path work) {
    List<LocalEventSourcePoller> pollers = new ArrayList<>();
    for (int i = 0; i < POLLERS; i++) {
      ConsumerHandler handler = ConsumerHandler.builder(config).sqs(sqs).lock(lock)
          .store(new PageDeltaStore(s3, config.bucket(),
              config.keyPrefix())).workDirectory(work.resolve("poller-" + i)).build();
      var poller = new LocalEventSourcePoller(sqs, config.requestQueueUrl(), handler, LEASE, Duration.ofSeconds(1),
          Clock.systemUTC());
      poller.start();
      pollers.add(poller);
    }
    return pollers;
  }

  /** Each client submits its requests in order, a few at a time, so that many small batches contend. */
  private static Map<Integer, List<CompletableFuture<Reply>>> submitAll(
      software.amazon.awssdk.services.sqs.SqsClient sqs, SqlqConfig config, List<AutoCloseable> owned) throws Exception {
    Map<Integer, List<CompletableFuture<Reply>>> futures = new ConcurrentHashMap<>();
    List<Thread> submitters = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      SqlqClient sdk = client(sqs, config, owned);
      submitters.add(Thread.ofPlatform().name("client-" + c).start(() -> {
        List<CompletableFuture<Reply>> mine = new ArrayList<>();
        for (int seq = 0; seq < PER_CLIENT; seq++) {
          mine.add(sdk.submit(Statement.of("INSERT INTO log(client, seq) VALUES (?, ?)", client, seq)));
          if (seq % BUNDLE == BUNDLE - 1) {
            sleepMs(50);
          }
        }
        futures.put(client, mine);
      }));
    }
    for (Thread t : submitters) {
      t.join();
    }
    return new TreeMap<>(futures);
  }

  private static SqlqClient client(software.amazon.awssdk.services.sqs.SqsClient sqs, SqlqConfig config,
      List<AutoCloseable> owned) {
    SqlqClient client = SqlqClient.builder().sqs(sqs).requestQueueUrl(config.requestQueueUrl())
        .defaultReplyQueueUrl(config.replyQueueUrl()).ownReplyQueue()
        .defaultDatabase(DB).requestTimeout(Duration.ofSeconds(300))
        .replyWaitTime(Duration.ofSeconds(1)).maxBundleRequests(BUNDLE).build();
    owned.add(client);
    return client;
  }

  private static void checkPublished(software.amazon.awssdk.services.s3.S3Client s3, SqlqConfig config, Path work)
      throws Exception {
    Path file = work.resolve("published.sqlite");
    assertThat(new PageDeltaStore(s3, config.bucket(),
        config.keyPrefix()).fetch(DB, null, file)).isInstanceOf(DatabaseStore.Fetched.Downloaded.class);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("SELECT client, seq FROM log ORDER BY id")) {
      Map<Integer, Integer> next = new HashMap<>();
      int rows = 0;
      while (rs.next()) {
        int client = rs.getInt(1);
        assertThat(rs.getInt(2)).as("next seq of client %d", client).isEqualTo(next.getOrDefault(client, 0));
        next.put(client, rs.getInt(2) + 1);
        rows++;
      }
      assertThat(rows).isEqualTo(CLIENTS * PER_CLIENT);
      assertThat(next.values()).containsOnly(PER_CLIENT);
    }
    Files.delete(file);
  }

  private static int deadLetters(software.amazon.awssdk.services.sqs.SqsClient sqs, SqlqConfig config) {
    var attributes = sqs.getQueueAttributes(b -> b.queueUrl(config.deadLetterQueueUrl())
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  private static Ec2Client countingEc2(Endpoints endpoints, Ec2CallCounter counter) {
    return Ec2Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
        .endpointOverride(endpoints.ec2())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(o -> o.addExecutionInterceptor(counter)).build();
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts EC2 API calls by operation (once per call, not per HTTP retry). */
  private static final class Ec2CallCounter implements ExecutionInterceptor {
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder())
          .increment();
    }

    long total() {
      return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> byOperation() {
      Map<String, Long> out = new TreeMap<>();
      calls.forEach((op, n) -> out.put(op, n.sum()));
      return out;
    }
  }

  /** Times every acquire (lock wait) of the lock it wraps. */
  private static final class TimedLock implements DatabaseLock {
    private final DatabaseLock delegate;
    private final ConcurrentLinkedQueue<Long> waitsMs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger timeouts = new AtomicInteger();

    TimedLock(DatabaseLock delegate) {
      this.delegate = delegate;
    }

    @Override
    public Lease acquire(String db, Duration waitBudget) {
      long start = System.nanoTime();
      try {
        return delegate.acquire(db, waitBudget);
      } catch (LockTimeoutException e) {
        timeouts.incrementAndGet();
        throw e;
      } finally {
        waitsMs.add((System.nanoTime() - start) / 1_000_000);
      }
    }

    @Override
    public Lease extend(Lease lease) {
      return delegate.extend(lease);
    }

    @Override
    public void release(Lease lease) {
      delegate.release(lease);
    }

    @Override
    public Duration leaseLength() {
      return delegate.leaseLength();
    }

    int acquires() {
      return waitsMs.size();
    }

    String summary() {
      List<Long> sorted = waitsMs.stream().sorted().toList();
      if (sorted.isEmpty()) {
        return "no acquires";
      }
      return String.format("%d acquires, p50 %d ms, p99 %d ms, max %d ms, %d timed out", sorted.size(),
          sorted.get((sorted.size() - 1) / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
          sorted.getLast(), timeouts.get());
    }
  }
}
