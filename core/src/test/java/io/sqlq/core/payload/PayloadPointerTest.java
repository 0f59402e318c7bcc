package io.sqlq.core.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.payloadoffloading.PayloadS3Pointer;

class PayloadPointerTest {
  private static final String POINTER =
      "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"b\",\"s3Key\":\"p/payloads/1\"}]";

  @Test
  void aMessageWithTheLibrarysSizeAttributeIsAPointerInTheLibrarysOwnFormat() {
    assertThat(new PayloadS3Pointer("b", "p/payloads/1").toJson()).as("what the library writes").isEqualTo(POINTER);

    assertThat(PayloadPointer.of(POINTER, Set.of("ExtendedPayloadSize"))).contains(new PayloadPointer("b", "p/payloads/1"));
    assertThat(PayloadPointer.of(POINTER, Set.of("SQSLargePayloadSize"))).as("older senders' attribute").isPresent();
  }

  @Test
  void aMessageWithoutTheAttributeCarriesItsBody() {
    assertThat(PayloadPointer.of(POINTER, Set.of("sqlq-request-id"))).isEmpty();
  }

  @Test
  void theAttributeWithABodyThatIsNoPointerIsMalformed() {
    for (String body : List.of("{\"sql\":\"SELECT 1\"}", "not json",
        "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"b\"}]")) {
      assertThatThrownBy(() -> PayloadPointer.of(body, Set.of("ExtendedPayloadSize"))).as(body)
          .isInstanceOf(MalformedPointerException.class);
    }
  }

  @Test
  void onlyAnObjectUnderThePrefixOfTheBucketIsUnderIt() {
    assertThat(new PayloadPointer("b", "p/payloads/1").isUnder("b", "p/payloads/")).isTrue();
    assertThat(new PayloadPointer("other", "p/payloads/1").isUnder("b", "p/payloads/")).isFalse();
    assertThat(new PayloadPointer("b", "p/db/main.sqlite").isUnder("b", "p/payloads/")).isFalse();
    assertThat(new PayloadPointer("b", "p/payloads/").isUnder("b", "p/payloads/")).as("the prefix itself").isFalse();
    assertThat(new PayloadPointer("b", "p/payloads/../db/main.sqlite").isUnder("b", "p/payloads/")).isFalse();
    assertThat(new PayloadPointer("b", "p/payloads/..").isUnder("b", "p/payloads/")).isFalse();
  }
}
