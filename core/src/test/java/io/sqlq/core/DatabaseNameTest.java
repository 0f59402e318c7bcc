package io.sqlq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.protocol.MalformedMessageException;
import io.sqlq.core.protocol.MessageContext;
import io.sqlq.core.protocol.RequestCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A database name is part of an S3 key, a file name and a Security Group name: no path tricks. */
class DatabaseNameTest {
  private static final String LONGEST = "a".repeat(DatabaseName.MAX_LENGTH);
  private final RequestCodec codec = new RequestCodec();
  private final SqlqConfig config = new SqlqConfig("eu-west-1", null, "bucket", "tenant/", "q", "r", "d", "vpc",
      Duration.ofMinutes(1), Duration.ZERO, null, null);

  @ParameterizedTest
  @ValueSource(strings = {"main", "a", "Chinook_2024-v2", "0", "_", "-"})
  void plainNamesAreValidAndStayUnderTheDbPrefix(String name) {
    assertThat(DatabaseName.validate(name)).isEqualTo(name);
    assertThat(config.databaseKeys(name).manifest()).isEqualTo("tenant/db/" + name + "/manifest.json");
    assertThat(config.databaseKeys(name).v1()).isEqualTo("tenant/db/" + name + ".sqlite");
  }

  @Test
  void theLongestNameIsValidAndOneMoreCharacterIsNot() {
    assertThat(DatabaseName.isValid(LONGEST)).isTrue();
    assertThat(DatabaseName.isValid(LONGEST + "a")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "..", ".", "../other", "a/b", "/etc/passwd", "a\\b", "%2F", "..%2Fother", "a%2e%2e",
      "caf\u00e9", "\uff4d\uff41\uff49\uff4e", "m\u0430in", "a\u0000b", "a b", "a\nb", "a.sqlite", "a:b", "*", "~"})
  void pathTricksUnicodeAndEmptyNamesAreInvalid(String name) {
    assertThat(DatabaseName.isValid(name)).isFalse();
    assertThatThrownBy(() -> DatabaseName.validate(name)).isInstanceOf(InvalidDatabaseNameException.class);
    assertThatThrownBy(() -> config.databaseKeys(name)).isInstanceOf(InvalidDatabaseNameException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../other", "a/b", "%2F", "caf\u00e9", ""})
  void aMessageWhoseGroupOrDbIsATrickNeverDecodes(String name) {
    var byGroup = new MessageContext("m", name, null, "http://localhost/000000000000/r");
    assertThatThrownBy(() -> codec.decodeRequests("{\"sql\":\"SELECT 1\"}", byGroup))
        .isInstanceOf(MalformedMessageException.class);
    var noGroup = new MessageContext("m", null, null, "http://localhost/000000000000/r");
    String body = "{\"db\":" + new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(name) + ",\"sql\":\"SELECT 1\"}";
    assertThatThrownBy(() -> codec.decodeRequests(body, noGroup))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void aNullNameIsInvalid() {
    assertThat(DatabaseName.isValid(null)).isFalse();
  }
}
