package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class HolidayCalendarsTest {

    @Test
    void countriesAndSubdivisionsResolveToJollydaysRules() {
        assertThat(HolidayCalendars.parse("US").isHoliday(LocalDate.parse("2026-07-03")))
                .as("Independence Day on a Saturday is observed on Friday").isTrue();
        assertThat(HolidayCalendars.parse("GB-SCT").isHoliday(LocalDate.parse("2026-01-02"))).isTrue();
        assertThat(HolidayCalendars.parse("GB").isHoliday(LocalDate.parse("2026-01-02"))).isFalse();
        assertThat(HolidayCalendars.parse("DE-BY").toString()).isEqualTo("DE-BY");
    }

    @Test
    void unknownOrMalformedCodesAreRefusedWithAReason() {
        assertThat(HolidayCalendars.problemWith("XX")).hasValueSatisfying(p -> assertThat(p).contains("country"));
        assertThat(HolidayCalendars.problemWith("us")).hasValueSatisfying(p -> assertThat(p).contains("capitals"));
        assertThat(HolidayCalendars.problemWith("DE-ZZ")).hasValueSatisfying(p -> assertThat(p).contains("DE-BY"));
        assertThat(HolidayCalendars.problemWith("")).isPresent();
        assertThat(HolidayCalendars.problemWith("FR")).isEmpty();
        assertThatThrownBy(() -> HolidayCalendars.parse("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blackoutEntriesAreDatesOrInclusiveRangesOfBoundedLength() {
        List<BlackoutDates.Range> ranges = BlackoutDates.parse(List.of("2026-12-24", "2026-12-28/2026-12-31"));
        assertThat(ranges.get(0).contains(LocalDate.parse("2026-12-24"))).isTrue();
        assertThat(ranges.get(1).contains(LocalDate.parse("2026-12-31"))).isTrue();
        assertThat(ranges.get(1).contains(LocalDate.parse("2027-01-01"))).isFalse();
        assertThat(BlackoutDates.problemWith("24.12.2026")).isPresent();
        assertThat(BlackoutDates.problemWith("2026-01-01/2027-06-01")).hasValueSatisfying(
                p -> assertThat(p).contains("366"));
        assertThatThrownBy(() -> BlackoutDates.parse(List.of("2026-12-24", "tomorrow")))
                .hasMessage("blackoutDates[1] 'tomorrow' is not a date (2026-12-24) or an inclusive range of two dates "
                        + "(2026-12-24/2026-12-31)");
    }
}
