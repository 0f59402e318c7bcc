package io.sqlq.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;

class SqlqDatabasePropsTest {
  private static SqlqDatabaseProps.Builder builder() {
    return SqlqDatabaseProps.builder().consumerCode(Synth.asset("consumer")).reaperCode(Synth.asset("reaper"));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    SqlqDatabaseProps props = builder().build();
    assertThat(props.namePrefix()).isEqualTo("sqlq");
    assertThat(props.keyPrefix()).isEmpty();
    assertThat(props.consumerTimeout().toSeconds()).isEqualTo(60);
    assertThat(props.visibilityTimeout().toSeconds()).isEqualTo(360);
    assertThat(props.ephemeralStorage().toMebibytes()).isEqualTo(2048);
    assertThat(props.snapStart()).isFalse();
    assertThat(props.maxReceiveCount()).isEqualTo(5);
    assertThat(props.noncurrentVersionDays()).isEqualTo(30);
  }

  @Test
  void visibilityTimeoutOfSixFunctionTimeoutsIsAcceptedAndOneSecondLessRefused() {
    assertThat(builder().consumerTimeout(Duration.seconds(50)).visibilityTimeout(Duration.seconds(300)).build()
        .visibilityTimeout().toSeconds()).isEqualTo(300);
    assertThatThrownBy(() -> builder().consumerTimeout(Duration.seconds(50)).visibilityTimeout(Duration.seconds(299)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least six times consumerTimeout (300 s)")
        .hasMessageContaining("299 s");
  }

  @Test
  void snapStartNeedsAtMost512MibOfEphemeralStorage() {
    assertThat(builder().snapStart(true).ephemeralStorage(Size.mebibytes(512)).build().snapStart()).isTrue();
    assertThatThrownBy(() -> builder().snapStart(true).ephemeralStorage(Size.mebibytes(513)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SnapStart").hasMessageContaining("513 MiB");
    assertThatThrownBy(() -> builder().snapStart(true).build()).hasMessageContaining("2048 MiB");
  }

  @Test
  void badNamesAndRangesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> builder().namePrefix("Sqlq").build()).hasMessageContaining("'Sqlq'");
    assertThatThrownBy(() -> builder().namePrefix("a".repeat(41)).build()).hasMessageContaining("at most 40");
    assertThat(builder().namePrefix("a".repeat(40)).build().namePrefix()).hasSize(40);
    assertThatThrownBy(() -> builder().keyPrefix("tenant").build()).hasMessageContaining("'tenant'");
    assertThatThrownBy(() -> builder().maxReceiveCount(0).build()).hasMessageContaining("maxReceiveCount");
    assertThatThrownBy(() -> builder().consumerTimeout(Duration.seconds(901)).build()).hasMessageContaining("901 s");
    assertThatThrownBy(() -> builder().ephemeralStorage(Size.mebibytes(10_241)).build()).hasMessageContaining("10241");
  }
}
