package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeZonesTest {

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC", "Etc/UTC",
            "America/Argentina/Buenos_Aires"})
    void regionIdsAreAccepted(String id) {
        assertThat(TimeZones.problemWith(id)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EST|abbreviation", "GST|abbreviation", "IST|abbreviation", "PST|abbreviation", "CET|abbreviation",
            "+02:00|fixed offset", "UTC+2|fixed offset", "GMT-05:00|fixed offset", "Z|fixed offset",
            "EST5EDT|legacy", "Mars/Olympus|not a known", "europe/paris|not a known", "Europe/Pari|not a known"})
    void othersAreRejectedSayingWhy(String id, String reason) {
        assertThat(TimeZones.problemWith(id)).hasValueSatisfying(problem -> assertThat(problem).contains(reason));
    }

    @Test
    void renderingTakesTheFirstAcceptedZoneElseUtc() {
        assertThat(TimeZones.resolve("Europe/Paris", "Asia/Kolkata")).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(TimeZones.resolve(null, "Asia/Kolkata")).isEqualTo(ZoneId.of("Asia/Kolkata"));
        assertThat(TimeZones.resolve("Mars/Olympus", " ", "EST")).isEqualTo(ZoneId.of("UTC"));
    }
}
