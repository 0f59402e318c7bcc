package io.sqlq.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import io.sqlq.core.lock.Lease;
import io.sqlq.core.lock.LockReaper;
import io.sqlq.core.lock.SecurityGroupLock;
import io.sqlq.core.store.StoreCollector;
import io.sqlq.local.MotoServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The handler on moto_server: one scheduled event deletes the expired lock and keeps the live one,
 * then collects the databases bucket (here an orphan snapshot of a database that never got a
 * manifest).
 */
class ReaperHandlerMotoTest {
  private static MotoServer moto;
  private static AwsClients clients;
  private static Ec2Client ec2;
  private static S3Client s3;

  @BeforeAll
  static void start() {
    moto = MotoServer.start();
    clients = new AwsClients(AwsClients.EMULATOR_REGION, Endpoints.of(moto.endpoint()));
    ec2 = clients.newEc2Client();
    s3 = clients.newS3Client();
    s3.createBucket(b -> b.bucket("reaper-test"));
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      ec2.close();
      s3.close();
      clients.close();
      moto.close();
    }
  }

  @Test
  void aScheduledEvent_deletesTheExpiredLockKeepsTheLiveOneAndReturnsTheReportAsOneJsonLine() {
    String vpc = ec2.createVpc(b -> b.cidrBlock("10.99.0.0/16")).vpc().vpcId();
    Duration lease = Duration.ofSeconds(60);
    Lease dead = new SecurityGroupLock(ec2, vpc, lease, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2)))
        .acquire("dead", Duration.ZERO);
    Lease live = new SecurityGroupLock(ec2, vpc, lease, Clock.systemUTC()).acquire("live", Duration.ZERO);
    s3.putObject(b -> b.bucket("reaper-test").key("db/orphan/log/00000000000000000001-abcdefabcdef-000000000000.snapshot"),
        RequestBody.fromString("a snapshot whose manifest write failed"));
    var handler = new ReaperHandler(new LockReaper(ec2, vpc, Duration.ofSeconds(30), Clock.systemUTC()),
        new StoreCollector(s3, "reaper-test", "", Duration.ZERO, Duration.ofDays(7), Clock.offset(Clock.systemUTC(),
            Duration.ofSeconds(1))));

    String report = handler.handleRequest(new ScheduledEvent(), null);

    System.out.println("reaper report (handler, one dead and one live lock): " + report);
    assertThat(report).isEqualTo("{\"locks\":{\"seen\":2,\"expired\":1,\"deleted\":1,\"errors\":0},"
        + "\"store\":{\"databases\":1,\"objects\":1,\"deleted\":1,\"errors\":0}}");
    assertThat(s3.listObjectsV2(b -> b.bucket("reaper-test")).contents()).isEmpty();
    assertThat(ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("tag-key").values("sqlq:lock").build())).securityGroups())
        .extracting(g -> g.groupId()).containsExactly(live.lockId()).doesNotContain(dead.lockId());
  }
}
