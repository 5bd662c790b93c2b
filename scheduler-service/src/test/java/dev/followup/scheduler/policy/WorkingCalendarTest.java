package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.policy.RecurrencePolicy.Occurrence;
import dev.followup.scheduler.policy.RecurrencePolicy.Rule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Holidays and blackout dates act like non-working days: due times move past them, workday steps skip them. */
class WorkingCalendarTest {

    private static final List<Weekday> MON_TO_FRI = List.of(Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU,
            Weekday.FRI);

    private static TenantSettings.Builder tenant(String zone) {
        return TenantSettings.newBuilder().setTenantId("acme").setTimezone(zone).setWorkingDays(MON_TO_FRI)
                .setSendWindow(new SendWindow("09:00", "18:00"));
    }

    private static Instant next(TenantSettings settings, String at) {
        return SendWindowPolicy.nextAllowed(Instant.parse(at), settings, null);
    }

    @Test
    void christmasDayOfAUsTenantMovesToMondayTheTwentyEighthAtTheWindowsStart() {
        TenantSettings us = tenant("America/New_York").setHolidayCalendar("US").build();
        // Friday 2026-12-25 10:00 EST; 26-27 December are a weekend
        assertThat(next(us, "2026-12-25T15:00:00Z")).isEqualTo("2026-12-28T14:00:00Z"); // Monday 09:00 EST
        assertThat(next(tenant("America/New_York").build(), "2026-12-25T15:00:00Z"))
                .as("without a calendar Christmas is a working Friday").isEqualTo("2026-12-25T15:00:00Z");
    }

    @Test
    void epiphanyIsAHolidayInBavariaButNotInBerlin() {
        // Tuesday 2026-01-06 10:00 CET
        String epiphany = "2026-01-06T09:00:00Z";
        assertThat(next(tenant("Europe/Berlin").setHolidayCalendar("DE-BY").build(), epiphany))
                .isEqualTo("2026-01-07T08:00:00Z"); // Wednesday 09:00 CET
        assertThat(next(tenant("Europe/Berlin").setHolidayCalendar("DE-BE").build(), epiphany)).isEqualTo(epiphany);
        assertThat(next(tenant("Europe/Berlin").setHolidayCalendar("DE").build(), epiphany)).isEqualTo(epiphany);
    }

    @Test
    void aBlackoutRangeOverTheAutumnClockChangeEndsAtTheFirstWindowInWinterTime() {
        // Berlin leaves summer time on Sunday 2026-10-25; blackout Friday 23rd to Monday 26th
        TenantSettings s = tenant("Europe/Berlin").setBlackoutDates(List.of("2026-10-23/2026-10-26")).build();
        assertThat(next(s, "2026-10-23T08:00:00Z")) // Friday 10:00 CEST
                .isEqualTo("2026-10-27T08:00:00Z"); // Tuesday 09:00 CET (UTC+1)
        assertThat(next(s, "2026-10-22T15:00:00Z")).as("Thursday 17:00 CEST is before the blackout")
                .isEqualTo("2026-10-22T15:00:00Z");
    }

    @Test
    void aBlackoutRangeOverTheSpringClockChangeEndsAtTheFirstWindowInSummerTime() {
        // New York starts summer time on Sunday 2026-03-08; every day works, blackout 7th and 8th
        TenantSettings s = tenant("America/New_York").setWorkingDays(List.of(Weekday.values()))
                .setBlackoutDates(List.of("2026-03-07", "2026-03-08")).build();
        assertThat(next(s, "2026-03-06T23:30:00Z")) // Friday 18:30 EST, after the window
                .isEqualTo("2026-03-09T13:00:00Z"); // Monday 09:00 EDT (UTC-4)
    }

    @Test
    void aHolidayIsTheLeadsLocalDay() {
        TenantSettings us = tenant("America/New_York").setHolidayCalendar("US").build();
        // 2026-12-25 03:00 in Tokyo is still Christmas Eve 13:00 in New York: the lead's zone decides
        assertThat(SendWindowPolicy.nextAllowed(Instant.parse("2026-12-24T18:00:00Z"), us, "Asia/Tokyo"))
                .isEqualTo("2026-12-28T00:00:00Z"); // Monday 09:00 JST
        assertThat(SendWindowPolicy.nextAllowed(Instant.parse("2026-12-24T18:00:00Z"), us, null))
                .isEqualTo("2026-12-24T18:00:00Z"); // Thursday 13:00 EST
    }

    @Test
    void aDailyWorkdayStepSkipsTheHolidaysOfItsWeek() {
        Rule daily = RecurrencePolicy.rule("steps[0].repeat",
                StepRepeat.newBuilder().setEvery("1d").setTimes(5).setWorkingDaysOnly(true).build());
        WorkingCalendar germany = WorkingCalendar.of(tenant("Europe/Berlin").setHolidayCalendar("DE").build());
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<LocalDate> days = new ArrayList<>();
        Optional<Occurrence> o = RecurrencePolicy.first(daily, Instant.parse("2026-12-21T09:00:00Z"), berlin, germany);
        while (o.isPresent()) {
            days.add(o.get().at().atZone(berlin).toLocalDate());
            o = RecurrencePolicy.next(daily, o.get(), berlin, germany);
        }
        // 25 and 26 December are public holidays, 26-27 a weekend; Christmas Eve is a working day in Germany
        assertThat(days).containsExactly(LocalDate.parse("2026-12-21"), LocalDate.parse("2026-12-22"),
                LocalDate.parse("2026-12-23"), LocalDate.parse("2026-12-24"), LocalDate.parse("2026-12-28"));
    }

    @Test
    void aBadCalendarOrBlackoutEntryOnTheTopicIsRefusedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> WorkingCalendar.of(tenant("UTC").setHolidayCalendar("XX").build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("holidayCalendar 'XX'");
        assertThatThrownBy(() -> WorkingCalendar.of(tenant("UTC").setHolidayCalendar("DE-ZZ").build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("holidayCalendar 'DE-ZZ'")
                .hasMessageContaining("DE-BY");
        assertThatThrownBy(() -> WorkingCalendar.of(tenant("UTC")
                .setBlackoutDates(List.of("2026-12-24", "2026-12-31/2026-12-24")).build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("blackoutDates[1] '2026-12-31/2026-12-24' ends before it starts");
    }

    @Test
    void settingsThatLeaveNoWorkingDayAreRefusedRatherThanSearchedForEver() {
        List<String> years = new ArrayList<>();
        for (int y = 2026; y < 2031; y++) {
            years.add(y + "-01-01/" + y + "-12-31");
        }
        TenantSettings closed = tenant("UTC").setBlackoutDates(years).build();
        assertThatThrownBy(() -> next(closed, "2026-06-01T10:00:00Z")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("blackoutDates cover 1826 days in all; at most 732");
        // the search itself is bounded too, whatever a calendar holds
        WorkingCalendar never = new WorkingCalendar(java.util.EnumSet.allOf(java.time.DayOfWeek.class), null,
                List.of(new dev.followup.events.BlackoutDates.Range(LocalDate.parse("2026-01-01"),
                        LocalDate.parse("2036-12-31"))));
        assertThatThrownBy(() -> SendWindowPolicy.nextAllowed(Instant.parse("2026-06-01T10:00:00Z"),
                SendWindowPolicy.Window.ANY_HOUR, never, ZoneId.of("UTC")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no working day");
    }
}
