package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatePolicyTest {

    /** Mon-Fri 09:00-17:00 in Auckland (NZDT, UTC+13 in March). */
    private static final TenantSettings AUCKLAND = TenantSettings.newBuilder().setTenantId("acme")
            .setTimezone("Pacific/Auckland").setSendWindow(new SendWindow("09:00", "17:00")).build();
    /** Tuesday 2026-03-03 23:59 NZDT. */
    private static final Instant TUESDAY_2359_AUCKLAND = Instant.parse("2026-03-03T10:59:00Z");
    /** Wednesday 2026-03-04 09:00 NZDT. */
    private static final Instant WEDNESDAY_0900_AUCKLAND = Instant.parse("2026-03-03T20:00:00Z");

    // ---- which tasks the send window moves ----

    @Test
    void aManualTaskIsNeverWindowed() {
        assertThat(GatePolicy.windowed(TaskReason.MANUAL, Channel.EMAIL, false, AUCKLAND)).isFalse();
    }

    @Test
    void aBookingCallIsWindowedOnlyWhenTheTenantSaysSo() {
        TenantSettings bookingsToo = TenantSettings.newBuilder(AUCKLAND).setSendWindowAppliesToBookings(true).build();
        assertThat(GatePolicy.windowed(TaskReason.BOOKING, Channel.CALL, false, AUCKLAND)).isFalse();
        assertThat(GatePolicy.windowed(TaskReason.BOOKING, Channel.CALL, false, bookingsToo)).isTrue();
        assertThat(GatePolicy.windowed(TaskReason.BOOKING, Channel.SMS, false, AUCKLAND)).isTrue();
    }

    @Test
    void anOccurrenceThatRunsAtItsOwnTimeIsNotWindowed() {
        assertThat(GatePolicy.windowed(TaskReason.SEQUENCE, Channel.EMAIL, true, AUCKLAND)).isFalse();
        assertThat(GatePolicy.windowed(TaskReason.SEQUENCE, Channel.EMAIL, false, AUCKLAND)).isTrue();
    }

    // ---- rule 1: outside the window, wait for its next start ----

    @Test
    void at2359InAucklandTheWindowOpensAt0900TheNextWorkingDay() {
        assertThat(GatePolicy.windowOpens(TUESDAY_2359_AUCKLAND, true, AUCKLAND, null))
                .isEqualTo(WEDNESDAY_0900_AUCKLAND);
    }

    @Test
    void insideTheWindowATaskMayFireNow() {
        Instant wednesday1000 = Instant.parse("2026-03-03T21:00:00Z");
        assertThat(GatePolicy.windowOpens(wednesday1000, true, AUCKLAND, null)).isEqualTo(wednesday1000);
    }

    @Test
    void theLeadsZoneWinsOverTheTenants() {
        // 10:59 on Tuesday in London (GMT) is inside the window, whatever the hour in Auckland
        assertThat(GatePolicy.windowOpens(TUESDAY_2359_AUCKLAND, true, AUCKLAND, "Europe/London"))
                .isEqualTo(TUESDAY_2359_AUCKLAND);
    }

    @Test
    void aTaskTheWindowDoesNotMoveFiresAtItsTime() {
        assertThat(GatePolicy.windowOpens(TUESDAY_2359_AUCKLAND, false, AUCKLAND, null))
                .isEqualTo(TUESDAY_2359_AUCKLAND);
    }

    @Test
    void anInvalidWindowIsReportedNamingTheSettingSoTheGateCanSkipTheRule() {
        TenantSettings broken = TenantSettings.newBuilder(AUCKLAND).setSendWindow(new SendWindow("25:00", "17:00"))
                .build();
        assertThatThrownBy(() -> GatePolicy.windowOpens(TUESDAY_2359_AUCKLAND, true, broken, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sendWindow.start '25:00'");
        assertThat(GatePolicy.windowOpens(TUESDAY_2359_AUCKLAND, false, broken, null))
                .as("a task the window does not move never reads it").isEqualTo(TUESDAY_2359_AUCKLAND);
    }

    // ---- rule 2: over a quota, wait for its end, moved into the window ----

    @Test
    void aDayQuotaEndingAtMidnightInAucklandMovesToTheWindowsStart() {
        Instant midnight = Instant.parse("2026-03-03T11:00:00Z");
        assertThat(GatePolicy.windowOpens(midnight, true, AUCKLAND, null)).isEqualTo(WEDNESDAY_0900_AUCKLAND);
    }

    @Test
    void aQuotaDeferralSaysWhichLimitAndItsMaximum() {
        QuotaPolicy.Defer day = new QuotaPolicy.Defer(QuotaPolicy.Usage.NONE, WEDNESDAY_0900_AUCKLAND,
                QuotaPolicy.Limit.PER_DAY, 400, Optional.empty());
        QuotaPolicy.Defer minute = new QuotaPolicy.Defer(QuotaPolicy.Usage.NONE, WEDNESDAY_0900_AUCKLAND,
                QuotaPolicy.Limit.PER_MINUTE, 20, Optional.empty());
        assertThat(GatePolicy.quotaReason(day)).isEqualTo("maxTasksPerDay 400 reached");
        assertThat(GatePolicy.quotaReason(minute)).isEqualTo("maxTasksPerMinute 20 reached");
        assertThat(GatePolicy.quotaMetricReason(QuotaPolicy.Limit.PER_DAY)).isEqualTo("quota_day");
        assertThat(GatePolicy.quotaMetricReason(QuotaPolicy.Limit.PER_MINUTE)).isEqualTo("quota_minute");
    }
}
