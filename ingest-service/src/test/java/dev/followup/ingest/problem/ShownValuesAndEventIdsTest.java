package dev.followup.ingest.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.ingest.publish.EventIds;
import org.junit.jupiter.api.Test;

/** Value shortening and id derivation, without Spring or Kafka (the time-zone rule is tested in schemas). */
class ShownValuesAndEventIdsTest {

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
