package io.sqlq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.SqlqClient;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Statement;
import io.sqlq.core.store.DatabaseStore;
import io.sqlq.core.store.PageDeltaStore;
import io.sqlq.local.LocalEmulators;
import io.sqlq.local.LocalPipeline;
import io.sqlq.local.StackProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real crash: the consumer ({@code sqlq local up}, a process of its own) is killed with SIGKILL
 * at random moments, {@value #KILLS} times, while clients send numbered rows, and restarted
 * against the same emulators each time. A killed process runs no {@code finally}: its batch's
 * records time out in flight, its lock waits for the reaper, and whatever it had applied but not
 * published is gone. Afterwards every row is in the database once, in each client's order
 * ({@link ClientSequences}), and every future got its reply.
 */
class ConsumerKillIT {
  private static final String STACK = "kill";
  private static final String DB = "killed";
  private static final int KILLS = 3;
  private static final int CLIENTS = 4;
  private static final int POLLERS = 2;
  /** Pause of each client between two submits, so rows arrive through the whole kill phase. */
  private static final long SEND_PAUSE_MS = 40;
  /**
   * Longest wait for a reply: a kill holds the records it had in flight for up to the visibility
   * timeout (30 s) and its lock for up to the lease (20 s) plus the reaper's grace and period, and
   * three kills may stack; 600 s is ten times that.
   */
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(600);

  @Test
  void aConsumerKilledWithSigkillThreeTimesWhileClientsSend_losesNothingDuplicatesNothingKeepsOrder(
      @TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (LocalEmulators emulators = LocalEmulators.start();
        AwsClients aws = new AwsClients(AwsClients.EMULATOR_REGION, emulators.endpoints());
        var s3 = aws.newS3Client(); var sqs = aws.newSqsClient(); var ec2 = aws.newEc2Client()) {
      SqlqConfig config = new StackProvisioner(s3, sqs, ec2).provision(STACK,
          LocalPipeline.Options.VISIBILITY_TIMEOUT, LocalPipeline.Options.FUNCTION_TIMEOUT);
      List<SqlqClient> clients = new ArrayList<>();
      ConsumerProcess consumer = ConsumerProcess.start(emulators.endpoints(), STACK, POLLERS, dir.resolve("c0.log"));
      try {
        for (int c = 0; c < CLIENTS; c++) {
          clients.add(client(sqs, config));
        }
        assertThat(clients.getFirst().submit(Statement.of("CREATE TABLE log(client INTEGER, seq INTEGER)"))
            .get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok()).isTrue();

        AtomicBoolean sending = new AtomicBoolean(true);
        Map<Integer, List<CompletableFuture<Reply>>> futures = new ConcurrentHashMap<>();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          List<CompletableFuture<Reply>> mine = new ArrayList<>();
          futures.put(client, mine);
          senders.add(Thread.ofPlatform().name("client-" + c).start(() -> {
            for (int seq = 0; sending.get(); seq++) {
              mine.add(clients.get(client).submit(Statement.of("INSERT INTO log(client, seq) VALUES (?, ?)",
                  client, seq)));
              sleepMs(SEND_PAUSE_MS);
            }
          }));
        }
        for (int kill = 1; kill <= KILLS; kill++) {
          long after = 500 + random.nextInt(3_000);
          sleepMs(after);
          consumer.kill();
          System.out.printf("kill %d: SIGKILL %d ms after the consumer was ready (seed %d)%n", kill, after, seed);
          consumer = ConsumerProcess.start(emulators.endpoints(), STACK, POLLERS, dir.resolve("c" + kill + ".log"));
        }
        sending.set(false);
        for (Thread t : senders) {
          t.join();
        }
        Map<Integer, Integer> sent = new TreeMap<>();
        int unanswered = 0;
        for (var entry : futures.entrySet()) {
          sent.put(entry.getKey(), entry.getValue().size());
          for (CompletableFuture<Reply> f : entry.getValue()) {
            Reply reply = f.get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            unanswered += reply.ok() ? 0 : 1;
          }
        }
        Path file = dir.resolve(DB + ".sqlite");
        assertThat(new PageDeltaStore(s3, config.bucket(), config.keyPrefix()).fetch(DB, null, file))
            .isInstanceOf(DatabaseStore.Fetched.Downloaded.class);
        ClientSequences tally = ClientSequences.check(file, sent);
        System.out.printf("kills %d, requests %d, %s%n", KILLS, sent.values().stream().mapToInt(i -> i).sum(),
            tally.line());

        assertThat(unanswered).as("requests answered with an error").isZero();
        assertThat(tally).isEqualTo(new ClientSequences(0, 0, 0));
      } finally {
        for (SqlqClient client : clients) {
          client.close();
        }
        consumer.stop();
      }
    }
  }

  private static SqlqClient client(SqsClient sqs, SqlqConfig config) {
    return SqlqClient.builder().sqs(sqs).requestQueueUrl(config.requestQueueUrl())
        .defaultReplyQueueUrl(config.replyQueueUrl()).ownReplyQueue().defaultDatabase(DB)
        .requestTimeout(REPLY_TIMEOUT).maxBlock(REPLY_TIMEOUT).replyWaitTime(Duration.ofSeconds(1)).build();
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
