package io.sqlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sqlq.core.lock.LockGroup;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocksListFormatTest {
  private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");

  @Test
  void eachLockShowsDatabaseHolderAgeAndTimeUntilItsLeaseEnds() {
    String table = LocksListCommand.format(List.of(
        new LockGroup("main", "sg-1", "holder-1", NOW.minusMillis(12_300), NOW.plusMillis(7_700)),
        new LockGroup("old", "sg-2", "holder-2", NOW.minusSeconds(90), NOW.minusSeconds(30))), NOW);

    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("DATABASE", "HOLDER", "AGE", "EXPIRES IN");
    assertThat(lines.get(1)).contains("main", "holder-1", "12.3 s", "7.7 s", "sg-1");
    assertThat(lines.get(2)).contains("old", "90.0 s", "-30.0 s", "sg-2");
  }

  @Test
  void missingOrGarbledTimesShowAsDashes() {
    String table = LocksListCommand.format(List.of(new LockGroup("x", "sg-3", null, null, null)), NOW);

    assertThat(table.lines().skip(1).findFirst().orElseThrow()).matches("x\\s+-\\s+-\\s+-\\s+sg-3");
  }
}
