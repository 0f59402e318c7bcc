package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.client.QueryResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryFormatTest {
  @Test
  void aResultPrintsAsOneJsonLineWithItsVersionAgeAndEveryValueType() {
    QueryResult result = new QueryResult("main", List.of("i", "f", "s", "b", "n"),
        List.of(Arrays.asList(1L, 2.5, "x\"y", "hi".getBytes(StandardCharsets.UTF_8), null)), 7, Duration.ofMillis(1234));

    assertThat(QueryCommand.format(result)).isEqualTo("{\"db\":\"main\",\"dbVersion\":7,\"ageMs\":1234,"
        + "\"columns\":[\"i\",\"f\",\"s\",\"b\",\"n\"],\"rows\":[[1,2.5,\"x\\\"y\",{\"base64\":\"aGk=\"},null]]}");
  }
}
