package io.sqlq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sqlq.core.ConfigurationException;
import io.sqlq.core.SqlqConfig;
import io.sqlq.core.aws.Endpoints;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class StackProvisionerMotoTest {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static MotoFixture moto;
  private static StackProvisioner provisioner;

  @BeforeAll
  static void startMoto() {
    moto = MotoFixture.start();
    provisioner = new StackProvisioner(moto.s3(), moto.sqs(), moto.ec2());
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void provisioningTwice_returnsTheSameConfigAndCreatesNothingNew() {
    SqlqConfig first = provisioner.provision("twice", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);
    int vpcs = moto.ec2().describeVpcs().vpcs().size();
    int queues = moto.sqs().listQueues().queueUrls().size();

    SqlqConfig second = provisioner.provision("twice", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    assertThat(second).isEqualTo(first);
    assertThat(moto.ec2().describeVpcs().vpcs()).hasSize(vpcs);
    assertThat(moto.sqs().listQueues().queueUrls()).hasSize(queues);
  }

  @Test
  void provisionedConfig_namesTheStackResourcesWithTheClientsRegionAndEndpoint() {
    SqlqConfig config = provisioner.provision("names", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    assertThat(config.region()).isEqualTo("us-east-1");
    assertThat(config.endpoints()).isEqualTo(Endpoints.of(moto.server().endpoint()));
    assertThat(config.bucket()).isEqualTo("names-databases");
    assertThat(config.keyPrefix()).isEmpty();
    assertThat(config.requestQueueUrl()).endsWith("/names-requests.fifo");
    assertThat(config.deadLetterQueueUrl()).endsWith("/names-dead-letter.fifo");
    assertThat(config.replyQueueUrl()).endsWith("/names-replies");
    assertThat(config.lease()).as("the lease it was given, the consumers' function timeout").isEqualTo(LEASE);
    assertThat(config.lockWaitBudget()).isEqualTo(SqlqConfig.DEFAULT_LOCK_WAIT);
  }

  @Test
  void requestQueue_isFifoWithContentDeduplicationAndRedrivesToTheDeadLetterQueueAfterFiveReceives()
      throws Exception {
    SqlqConfig config = provisioner.provision("requests", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    Map<QueueAttributeName, String> attributes = attributes(config.requestQueueUrl());
    JsonNode redrive = new ObjectMapper().readTree(attributes.get(QueueAttributeName.REDRIVE_POLICY));
    assertThat(attributes).containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
        .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")
        .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "30");
    assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(5);
    assertThat(redrive.get("deadLetterTargetArn").asText())
        .isEqualTo(attributes(config.deadLetterQueueUrl()).get(QueueAttributeName.QUEUE_ARN));
  }

  @Test
  void deadLetterQueue_isFifoAndKeepsMessagesFourteenDays() {
    SqlqConfig config = provisioner.provision("dead", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    assertThat(attributes(config.deadLetterQueueUrl()))
        .containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
        .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")
        .containsEntry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600");
  }

  @Test
  void replyQueue_isAStandardQueue() {
    SqlqConfig config = provisioner.provision("replies", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    assertThat(attributes(config.replyQueueUrl())).doesNotContainKey(QueueAttributeName.FIFO_QUEUE);
  }

  @Test
  void bucket_hasVersioningEnabled() {
    SqlqConfig config = provisioner.provision("bucket", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    assertThat(moto.s3().getBucketVersioning(b -> b.bucket(config.bucket())).status())
        .isEqualTo(BucketVersioningStatus.ENABLED);
  }

  @Test
  void lockVpc_isTaggedWithTheStackNameAndHasNoSubnets() {
    SqlqConfig config = provisioner.provision("vpc", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    var vpc = moto.ec2().describeVpcs(b -> b.vpcIds(config.lockVpcId())).vpcs().getFirst();
    assertThat(vpc.cidrBlock()).isEqualTo("10.99.0.0/16");
    assertThat(vpc.tags()).anySatisfy(tag -> {
      assertThat(tag.key()).isEqualTo("Name");
      assertThat(tag.value()).isEqualTo("vpc-locks");
    });
    assertThat(moto.ec2().describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(config.lockVpcId()).build()))
        .subnets()).isEmpty();
  }

  @Test
  void twoStacks_getSeparateResources() {
    SqlqConfig a = provisioner.provision("stack-a", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);
    SqlqConfig b = provisioner.provision("stack-b", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    assertThat(b.bucket()).isNotEqualTo(a.bucket());
    assertThat(b.lockVpcId()).isNotEqualTo(a.lockVpcId());
    assertThat(b.requestQueueUrl()).isNotEqualTo(a.requestQueueUrl());
  }

  @Test
  void provisioningAgainWithAnotherVisibilityTimeout_updatesTheExistingRequestQueue() {
    SqlqConfig first = provisioner.provision("visibility", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE);

    SqlqConfig second = provisioner.provision("visibility", Duration.ofSeconds(900), LEASE);

    assertThat(second).isEqualTo(first);
    assertThat(attributes(second.requestQueueUrl())).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "900")
        .containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
  }

  @Test
  void visibilityTimeoutOfTwelveHours_isAccepted_andOneSecondMoreIsRejected() {
    SqlqConfig config = provisioner.provision("longest", Duration.ofSeconds(43_200), LEASE);

    assertThat(attributes(config.requestQueueUrl())).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "43200");
    assertThatThrownBy(() -> provisioner.provision("longest", Duration.ofSeconds(43_201), LEASE))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("43,200");
  }

  @Test
  void stackNameWithUppercaseOrOver40Characters_isRejectedBeforeAnyCall() {
    int buckets = moto.s3().listBuckets().buckets().size();

    assertThatThrownBy(() -> provisioner.provision("Sqlq", StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'Sqlq'");
    assertThatThrownBy(() -> provisioner.provision("a".repeat(41), StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE)).isInstanceOf(ConfigurationException.class);
    assertThat(provisioner.provision("a".repeat(40), StackProvisioner.DEFAULT_VISIBILITY_TIMEOUT, LEASE).bucket()).isEqualTo("a".repeat(40) + "-databases");
    assertThat(moto.s3().listBuckets().buckets()).hasSize(buckets + 1);
  }

  private static Map<QueueAttributeName, String> attributes(String queueUrl) {
    return moto.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL))
        .attributes();
  }
}
