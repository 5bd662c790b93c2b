package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SendWindowPolicyTest {

    private static final List<Weekday> MON_TO_FRI = List.of(Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU,
            Weekday.FRI);
    private static final List<Weekday> EVERY_DAY = List.of(Weekday.values());

    private static TenantSettings tenant(String timezone, List<Weekday> days, String start, String end) {
        return TenantSettings.newBuilder().setTenantId("acme").setTimezone(timezone).setWorkingDays(days)
                .setSendWindow(start == null ? null : new SendWindow(start, end)).build();
    }

    private static Instant next(TenantSettings settings, String at) {
        return SendWindowPolicy.nextAllowed(Instant.parse(at), settings, null);
    }

    // ---- a working-hours window (Mon-Fri 09:00-18:00 in Sydney, AEDT = UTC+11 in March) ----

    private final TenantSettings sydney = tenant("Australia/Sydney", MON_TO_FRI, "09:00", "18:00");

    @Test
    void fridayAt1759InSydneyStays() {
        // Friday 2026-03-06 17:59 AEDT
        assertThat(next(sydney, "2026-03-06T06:59:00Z")).isEqualTo("2026-03-06T06:59:00Z");
    }

    @Test
    void fridayAt1801InSydneyMovesToMonday0900() {
        // Friday 18:01 AEDT -> Monday 2026-03-09 09:00 AEDT
        assertThat(next(sydney, "2026-03-06T07:01:00Z")).isEqualTo("2026-03-08T22:00:00Z");
    }

    @Test
    void theEndOfTheWindowIsExclusiveAndItsStartInclusive() {
        assertThat(next(sydney, "2026-03-05T07:00:00Z")).as("Thursday 18:00").isEqualTo("2026-03-05T22:00:00Z");
        assertThat(next(sydney, "2026-03-05T22:00:00Z")).as("Friday 09:00").isEqualTo("2026-03-05T22:00:00Z");
    }

    @Test
    void earlyMorningMovesToTheSameDaysStart() {
        // Wednesday 06:15 AEDT -> Wednesday 09:00 AEDT
        assertThat(next(sydney, "2026-03-03T19:15:00Z")).isEqualTo("2026-03-03T22:00:00Z");
    }

    @Test
    void aSaturdayMovesToMonday() {
        // Saturday 2026-03-07 11:00 AEDT -> Monday 09:00 AEDT
        assertThat(next(sydney, "2026-03-07T00:00:00Z")).isEqualTo("2026-03-08T22:00:00Z");
    }

    @Test
    void theLeadsTimeZoneWinsOverTheTenants() {
        // 2026-03-04 08:00Z is 19:00 in Sydney (closed) but 09:00 in Paris (open)
        assertThat(SendWindowPolicy.nextAllowed(Instant.parse("2026-03-04T08:00:00Z"), sydney, "Europe/Paris"))
                .isEqualTo("2026-03-04T08:00:00Z");
        assertThat(next(sydney, "2026-03-04T08:00:00Z")).isEqualTo("2026-03-04T22:00:00Z");
    }

    // ---- a window across midnight ----

    private final TenantSettings nights = tenant("UTC", EVERY_DAY, "22:00", "06:00");

    @Test
    void aNightWindowKeeps2300And0559AndMovesNoonTo2200() {
        assertThat(next(nights, "2026-03-03T23:00:00Z")).isEqualTo("2026-03-03T23:00:00Z");
        assertThat(next(nights, "2026-03-04T05:59:00Z")).isEqualTo("2026-03-04T05:59:00Z");
        assertThat(next(nights, "2026-03-04T12:00:00Z")).isEqualTo("2026-03-04T22:00:00Z");
        assertThat(next(nights, "2026-03-04T06:00:00Z")).isEqualTo("2026-03-04T22:00:00Z");
    }

    @Test
    void aNightWindowBelongsToTheDayItOpens() {
        TenantSettings weekNights = tenant("UTC", MON_TO_FRI, "22:00", "06:00");
        // Saturday 02:00 is in Friday night's window
        assertThat(next(weekNights, "2026-03-07T02:00:00Z")).isEqualTo("2026-03-07T02:00:00Z");
        // Saturday 23:00 opens no window (Saturday is off): Monday 22:00
        assertThat(next(weekNights, "2026-03-07T23:00:00Z")).isEqualTo("2026-03-09T22:00:00Z");
        // Monday 02:00 would be Sunday night's window: Sunday is off, so Monday 22:00
        assertThat(next(weekNights, "2026-03-09T02:00:00Z")).isEqualTo("2026-03-09T22:00:00Z");
    }

    // ---- no window, working days ----

    @Test
    void withoutASendWindowAnyHourOfAWorkingDayIsOpen() {
        TenantSettings weekdays = tenant("Europe/Berlin", MON_TO_FRI, null, null);
        assertThat(next(weekdays, "2026-03-04T02:00:00Z")).as("Wednesday 03:00 CET").isEqualTo("2026-03-04T02:00:00Z");
        // Saturday -> Monday 00:00 CET
        assertThat(next(weekdays, "2026-03-07T10:00:00Z")).isEqualTo("2026-03-08T23:00:00Z");
    }

    @Test
    void anEmptyWorkingDaysListMeansEveryDay() {
        TenantSettings noDays = tenant("UTC", List.of(), "09:00", "18:00");
        assertThat(next(noDays, "2026-03-07T10:00:00Z")).as("a Saturday").isEqualTo("2026-03-07T10:00:00Z");
    }

    @Test
    void aWindowWhoseStartEqualsItsEndLastsTheWholeDay() {
        TenantSettings allDay = tenant("UTC", List.of(Weekday.MON), "08:00", "08:00");
        assertThat(next(allDay, "2026-03-03T07:59:00Z")).as("Tuesday 07:59, in Monday's 24 hours")
                .isEqualTo("2026-03-03T07:59:00Z");
        assertThat(next(allDay, "2026-03-03T08:00:00Z")).isEqualTo("2026-03-09T08:00:00Z");
    }

    // ---- DST in the window's zone ----

    @Test
    void aWindowStartInTheSpringForwardGapOpensWhenTheClockHasJumped() {
        // New York 2026-03-08: 02:00 EST -> 03:00 EDT; 02:30 does not exist and resolves to 03:30 EDT = 07:30Z
        TenantSettings ny = tenant("America/New_York", EVERY_DAY, "02:30", "06:00");
        assertThat(next(ny, "2026-03-08T06:00:00Z")).as("01:00 EST").isEqualTo("2026-03-08T07:30:00Z");
    }

    @Test
    void aWeekendAcrossTheSpringForwardChangeKeepsTheLocalHours() {
        // London: Friday 2026-03-27 18:30 GMT; clocks go forward on Sunday; Monday 09:00 BST = 08:00Z
        TenantSettings london = tenant("Europe/London", MON_TO_FRI, "09:00", "18:00");
        assertThat(next(london, "2026-03-27T18:30:00Z")).isEqualTo("2026-03-30T08:00:00Z");
    }

    @Test
    void aWindowStartInTheFallBackOverlapTakesTheEarlierInstant() {
        // New York 2026-11-01: 01:30 happens twice; the window opens at the first, 01:30 EDT = 05:30Z
        TenantSettings ny = tenant("America/New_York", EVERY_DAY, "01:30", "05:00");
        assertThat(next(ny, "2026-11-01T04:00:00Z")).as("00:00 EDT").isEqualTo("2026-11-01T05:30:00Z");
    }

    @Test
    void onTheFallBackDayAOneHourWindowAroundTheRepeatedHourLastsTwoHours() {
        // 01:00-02:00 New York on 2026-11-01 runs from 01:00 EDT (05:00Z) to 02:00 EST (07:00Z)
        TenantSettings ny = tenant("America/New_York", EVERY_DAY, "01:00", "02:00");
        assertThat(next(ny, "2026-11-01T06:30:00Z")).as("the second 01:30, EST").isEqualTo("2026-11-01T06:30:00Z");
        assertThat(next(ny, "2026-11-01T07:00:00Z")).as("02:00 EST").isEqualTo("2026-11-02T06:00:00Z");
    }

    // ---- who the window applies to ----

    @Test
    void bookingCallsAndManualTasksAreExemptUnlessTheTenantSaysSoForBookings() {
        TenantSettings defaults = TenantSettings.newBuilder().setTenantId("acme").build();
        TenantSettings strict = TenantSettings.newBuilder().setTenantId("acme").setSendWindowAppliesToBookings(true).build();
        assertThat(SendWindowPolicy.appliesTo(TaskReason.BOOKING, Channel.CALL, defaults)).isFalse();
        assertThat(SendWindowPolicy.appliesTo(TaskReason.BOOKING, Channel.CALL, strict)).isTrue();
        assertThat(SendWindowPolicy.appliesTo(TaskReason.BOOKING, Channel.EMAIL, defaults)).as("a booking reminder email")
                .isTrue();
        assertThat(SendWindowPolicy.appliesTo(TaskReason.MANUAL, Channel.SMS, strict)).isFalse();
        assertThat(SendWindowPolicy.appliesTo(TaskReason.LEAD_SCORE, Channel.EMAIL, defaults)).isTrue();
    }

    @Test
    void theAdjusterMovesTheDueTimeAndKeepsExemptTasks() {
        Instant saturday = Instant.parse("2026-03-07T10:00:00Z");
        ScheduledTask email = ScheduledTask.pending("ls-1", "acme", "lead-1", TaskReason.LEAD_SCORE, Channel.EMAIL,
                saturday, saturday, null, null, Map.of());
        ScheduledTask call = ScheduledTask.pending("bk-1", "acme", "lead-1", TaskReason.BOOKING, Channel.CALL,
                saturday, saturday, "b-1", null, Map.of());
        TenantSettings defaults = TenantSettings.newBuilder().setTenantId("acme").build();
        assertThat(SendWindowPolicy.ADJUSTER.adjust(email, defaults, null)).isEqualTo("2026-03-09T09:00:00Z");
        assertThat(SendWindowPolicy.ADJUSTER.adjust(call, defaults, null)).isEqualTo(saturday);
    }

    @Test
    void invalidWindowTimesAndZonesAreNamedWithTheirValue() {
        assertThatThrownBy(() -> next(tenant("UTC", EVERY_DAY, "9am", "18:00"), "2026-03-04T10:00:00Z"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sendWindow.start '9am'");
        assertThatThrownBy(() -> next(tenant("UTC", EVERY_DAY, "09:00", "24:00"), "2026-03-04T10:00:00Z"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sendWindow.end '24:00'");
        assertThatThrownBy(() -> next(tenant("EST", EVERY_DAY, "09:00", "18:00"), "2026-03-04T10:00:00Z"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("timezone 'EST'");
    }
}
