package dev.followup.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DueIndexKeyTest {

    @Test
    void byteOrderIsDueOrderThenTaskId() {
        Instant t = Instant.parse("2026-03-02T12:00:00Z");
        var early = DueIndexKey.of(t, "zzz").toBytes();
        var sameTime = DueIndexKey.of(t.plusMillis(1), "aaa").toBytes();
        var later = DueIndexKey.of(t.plusSeconds(3600 * 24 * 365), "aaa").toBytes();
        assertThat(early.compareTo(sameTime)).isNegative();
        assertThat(sameTime.compareTo(later)).isNegative();
        assertThat(DueIndexKey.of(t, "a").toBytes().compareTo(DueIndexKey.of(t, "b").toBytes())).isNegative();
        assertThat(DueIndexKey.parse(early)).isEqualTo(new DueIndexKey(t.toEpochMilli(), "zzz"));
        assertThat(DueIndexKey.of(t, "task-1").toBytes().compareTo(DueIndexKey.upTo(t.toEpochMilli()))).isNegative();
        assertThat(DueIndexKey.of(t.plusMillis(1), "task-1").toBytes().compareTo(DueIndexKey.upTo(t.toEpochMilli())))
                .isPositive();
    }
}
