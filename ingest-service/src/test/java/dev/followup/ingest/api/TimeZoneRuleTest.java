package dev.followup.ingest.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.ingest.api.Constraints.TimeZones;
import dev.followup.ingest.publish.EventIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The time-zone rule, value shortening and id derivation, without Spring or Kafka. */
class TimeZoneRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC", "Etc/UTC",
            "America/Argentina/Buenos_Aires"})
    void regionIdsAreAccepted(String id) {
        assertThat(TimeZones.problem(id)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EST|abbreviation", "GST|abbreviation", "IST|abbreviation", "PST|abbreviation", "CET|abbreviation",
            "+02:00|fixed offset", "UTC+2|fixed offset", "GMT-05:00|fixed offset", "Z|fixed offset",
            "EST5EDT|legacy", "Mars/Olympus|not a known", "europe/paris|not a known", "Europe/Pari|not a known"})
    void othersAreRejectedSayingWhy(String id, String reason) {
        assertThat(TimeZones.problem(id)).contains(reason);
    }

    @Test
    void derivedIdsAreStablePerTenantKeyRouteAndLine() {
        String id = EventIds.of("acme", "k1", "POST /v1/leads", 0);
        assertThat(EventIds.of("acme", "k1", "POST /v1/leads", 0)).isEqualTo(id);
        assertThat(EventIds.of("globex", "k1", "POST /v1/leads", 0)).isNotEqualTo(id);
        assertThat(EventIds.of("acme", "k2", "POST /v1/leads", 0)).isNotEqualTo(id);
        assertThat(EventIds.of("acme", "k1", "POST /v1/tasks", 0)).isNotEqualTo(id);
        assertThat(EventIds.of("acme", "k1", "POST /v1/leads", 1)).isNotEqualTo(id);
        assertThat(EventIds.of("acme", null, "POST /v1/leads", 0))
                .isNotEqualTo(EventIds.of("acme", null, "POST /v1/leads", 0));
    }

    @Test
    void shownValuesAreShortenedAndEscaped() {
        assertThat(FieldProblem.shown("x".repeat(1000))).startsWith("x".repeat(64)).endsWith("(1000 chars)");
        assertThat(FieldProblem.shown("a\u0000b")).isEqualTo("a\\u0000b");
    }
}
