package io.sqlq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.InvalidDatabaseNameException;
import io.sqlq.core.protocol.MessageLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each builder setting refuses a bad value at once, naming the value; build() checks the whole. */
class SqlqClientBuilderTest {
  static final String REQUESTS = "https://sqs.local/q.fifo";
  static final String REPLIES = "https://sqs.local/r";
  final SqlqClient.Builder builder = SqlqClient.builder();

  @Test
  void countsOutsideTheirRangeAreRefusedWithTheValue() {
    assertThatThrownBy(() -> builder.maxBundleRequests(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBundleRequests").hasMessageContaining("not 0");
    assertThatThrownBy(() -> builder.maxInFlight(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight").hasMessageContaining("not -1");
    assertThatThrownBy(() -> builder.maxBundleBytes(MessageLimits.MAX_BODY_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 1040385");
  }

  @Test
  void theLargestBodyIsAccepted() {
    builder.maxBundleBytes(MessageLimits.MAX_BODY_BYTES);
  }

  @Test
  void durationsOutsideTheirRangeAreRefusedWithTheValue() {
    assertThatThrownBy(() -> builder.linger(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger").hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> builder.maxBlock(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBlock").hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> builder.replyWaitTime(Duration.ofSeconds(21)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT21S");
    assertThatThrownBy(() -> builder.replyWaitTime(Duration.ofMillis(1_500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1.5S");
  }

  @Test
  void theLimitsOfReplyWaitTimeAreAccepted() {
    builder.replyWaitTime(Duration.ZERO).replyWaitTime(Duration.ofSeconds(20)).linger(Duration.ZERO)
        .maxBlock(Duration.ZERO);
  }

  @Test
  void namesAndUrlsAreChecked() {
    assertThatThrownBy(() -> builder.defaultDatabase("no spaces"))
        .isInstanceOf(InvalidDatabaseNameException.class).hasMessageContaining("'no spaces'");
    assertThatThrownBy(() -> builder.requestQueueUrl(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestQueueUrl");
    assertThatThrownBy(() -> builder.sqs(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sqs");
  }

  @Test
  void buildNamesTheMissingRequiredSettings() {
    assertThatThrownBy(() -> builder.requestQueueUrl("https://sqs.local/q.fifo").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("settings missing: sqs, replyQueueUrl or ownReplyQueue()");
  }

  @Test
  void aReplyQueueUrlAndAnOwnReplyQueueAreRefusedTogetherInEitherOrderNamingBoth() {
    assertThatThrownBy(() -> SqlqClient.builder().replyQueueUrl(REPLIES).ownReplyQueue())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("replyQueueUrl(...) and ownReplyQueue() both set");
    assertThatThrownBy(() -> SqlqClient.builder().ownReplyQueue().replyQueueUrl(REPLIES))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("replyQueueUrl(...) and ownReplyQueue() both set");
  }

  @Test
  void anOwnReplyQueueNeedsTheDefaultReplyQueueUrlAndNothingIsCreatedWithoutIt() {
    FakeSqs sqs = new FakeSqs();

    assertThatThrownBy(() -> builder.sqs(sqs).requestQueueUrl(REQUESTS).ownReplyQueue().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("settings missing: defaultReplyQueueUrl (ownReplyQueue() names its queue after it)");
    assertThat(sqs.createdQueues()).isEmpty();
  }

  @Test
  void aDefaultReplyQueueUrlWithoutOwnReplyQueueIsRefusedAsUnused() {
    assertThatThrownBy(() -> builder.sqs(new FakeSqs()).requestQueueUrl(REQUESTS).replyQueueUrl(REPLIES)
        .defaultReplyQueueUrl(REPLIES).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("defaultReplyQueueUrl is read only by ownReplyQueue()");
  }

  @Test
  void aDefaultReplyQueueNameTooLongToNameAnOwnQueueAfterIsRefusedBeforeAnyCall() {
    FakeSqs sqs = new FakeSqs();

    assertThatThrownBy(() -> builder.sqs(sqs).requestQueueUrl(REQUESTS).ownReplyQueue()
        .defaultReplyQueueUrl("https://sqs.local/000000000000/" + "r".repeat(68)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid queue name");
    assertThat(sqs.createdQueues()).isEmpty();
  }

  @Test
  void buildRefusesMaxBundleBytesThatCannotHoldARequest() {
    assertThatThrownBy(() -> builder.sqs(new FakeSqs()).requestQueueUrl("https://sqs.local/q.fifo")
        .replyQueueUrl("https://sqs.local/r").maxBundleBytes(20).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxBundleBytes 20");
  }
}
