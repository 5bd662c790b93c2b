package dev.followup.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import java.nio.charset.StandardCharsets;
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

    @Test
    void theValueHoldsChannelDeferralAndTenant() {
        byte[] tenant = "acme".getBytes(StandardCharsets.UTF_8);
        for (Channel channel : Channel.values()) {
            for (boolean deferred : new boolean[] {false, true}) {
                byte[] value = DueIndexKey.value(channel, "acme", deferred);
                assertThat(DueIndexKey.channelOf(value)).isEqualTo(channel);
                assertThat(DueIndexKey.deferredOf(value)).isEqualTo(deferred);
                assertThat(DueIndexKey.isOf(value, tenant)).isTrue();
                assertThat(DueIndexKey.isOf(value, "acm".getBytes(StandardCharsets.UTF_8))).isFalse();
                assertThat(DueIndexKey.isOf(value, "acme2".getBytes(StandardCharsets.UTF_8))).isFalse();
            }
        }
    }

    @Test
    void aValueOfAnEarlierVersionHasItsChannelAndAnUnknownDeferral() {
        byte[] earlier = {(byte) Channel.CALL.ordinal(), 'a', 'c', 'm', 'e'}; // channel ordinal, then the tenant

        assertThat(DueIndexKey.channelOf(earlier)).isEqualTo(Channel.CALL);
        assertThat(DueIndexKey.deferredOf(earlier)).as("unknown: the queue summary reads the task").isNull();
        assertThat(DueIndexKey.isOf(earlier, "acme".getBytes(StandardCharsets.UTF_8))).isTrue();
    }
}
