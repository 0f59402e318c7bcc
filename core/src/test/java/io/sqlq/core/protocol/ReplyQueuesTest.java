package io.sqlq.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReplyQueuesTest {
  private static final String DEFAULT = "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies";
  private final ReplyQueues queues = new ReplyQueues(DEFAULT);

  @ParameterizedTest
  @ValueSource(strings = {
      DEFAULT,
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-0123456789ab",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-app-1",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies.fifo"})
  void theDefaultQueueAndQueuesNamedAfterItAreAllowed(String url) {
    assertThat(queues.allows(url)).isTrue();
  }

  @Test
  void noReplyQueueMeansTheDefault() {
    assertThat(queues.allows(null)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://sqs.eu-west-1.amazonaws.com/123456789012/victim-queue",
      "https://sqs.eu-west-1.amazonaws.com/999999999999/sqlq-replies",
      "https://sqs.us-east-1.amazonaws.com/123456789012/sqlq-replies",
      "http://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies",
      "https://sqs.eu-west-1.amazonaws.com:444/123456789012/sqlq-replies",
      "https://evil.example/123456789012/sqlq-replies",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-repliesX",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-x/../../999999999999/q",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-%2F..%2Fvictim",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-x?QueueUrl=https://evil",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-x#frag",
      "https://user@sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-ü",
      "sqlq-replies", "", "not a url at all", "arn:aws:sqs:eu-west-1:123456789012:sqlq-replies"})
  void everyOtherQueueIsRefused(String url) {
    assertThat(queues.allows(url)).isFalse();
  }

  @Test
  void theLongestAllowedNameIsEightyCharacters() {
    String base = "https://sqs.eu-west-1.amazonaws.com/123456789012/sqlq-replies-";
    assertThat(queues.allows(base + "x".repeat(80 - 13))).isTrue();
    assertThat(queues.allows(base + "x".repeat(81 - 13))).isFalse();
  }

  @Test
  void aDefaultThatIsNotAQueueUrlIsRejectedAtOnce() {
    assertThatThrownBy(() -> new ReplyQueues("sqlq-replies"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sqlq-replies");
  }
}
