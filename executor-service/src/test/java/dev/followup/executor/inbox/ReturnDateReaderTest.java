package dev.followup.executor.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class ReturnDateReaderTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZonedDateTime WRITTEN = ZonedDateTime.of(2026, 12, 20, 10, 0, 0, 0, BERLIN);

    @Test
    void anIsoDateIsRead() {
        assertThat(ReturnDateReader.returnDate("I am away until 2026-12-28.", WRITTEN)).contains(LocalDate.of(2026, 12, 28));
    }

    @Test
    void anEnglishMonthNameWithoutAYearIsTheNextSuchDay() {
        assertThat(ReturnDateReader.returnDate("I'll be back on December 28th.", WRITTEN))
                .contains(LocalDate.of(2026, 12, 28));
        assertThat(ReturnDateReader.returnDate("Back on Jan 4", WRITTEN)).contains(LocalDate.of(2027, 1, 4));
    }

    @Test
    void aGermanDayFirstDateIsRead() {
        assertThat(ReturnDateReader.returnDate("Ich bin bis 28.12.2026 nicht im Büro.", WRITTEN))
                .contains(LocalDate.of(2026, 12, 28));
        assertThat(ReturnDateReader.returnDate("Ab dem 5. Januar bin ich wieder da.", WRITTEN))
                .contains(LocalDate.of(2027, 1, 5));
        assertThat(ReturnDateReader.returnDate("bis 3.1.", WRITTEN)).contains(LocalDate.of(2027, 1, 3));
    }

    @Test
    void ofARangeTheLatestDateCounts() {
        assertThat(ReturnDateReader.returnDate("Out from 22 December to 2 January 2027", WRITTEN))
                .contains(LocalDate.of(2027, 1, 2));
    }

    @Test
    void datesInThePastOrMoreThanAYearAheadAndImpossibleDatesAreNotRead() {
        assertThat(ReturnDateReader.returnDate("since 2026-12-01, until 2031-01-01, or 31.02.2027", WRITTEN)).isEmpty();
        assertThat(ReturnDateReader.returnDate("I am travelling.", WRITTEN)).isEmpty();
        assertThat(ReturnDateReader.returnDate("Version 1.2.3 released", WRITTEN)).isEmpty();
    }

    @Test
    void followUpsResumeTheMorningAfterInTheGivenZone() {
        assertThat(ReturnDateReader.resumeAt("until 28.12.2026", WRITTEN, BERLIN))
                .contains(ZonedDateTime.of(2026, 12, 29, 9, 0, 0, 0, BERLIN));
    }
}
