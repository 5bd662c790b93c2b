package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.scheduler.topology.JourneyEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

/** Paging a lead's journey: every entry once across pages, in time order; the default is the whole journey. */
class JourneyPageTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");

    /** 25 entries under journey-store keys (time in hex, rank, reference), some at the same millisecond. */
    private static Map<String, JourneyEntry> entries() {
        Map<String, JourneyEntry> out = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            Instant at = START.plus(Duration.ofSeconds(i / 2));
            out.put(String.format("%016x/%d/ref-%02d", at.toEpochMilli(), i % 2, i),
                    new JourneyEntry(at, "task", "scheduled", "mt-" + i, "SMS", "PENDING", 1, at, null, null, null,
                            null, null, null, null));
        }
        return out;
    }

    @Test
    void pagesOfSevenReturnEveryEntryExactlyOnceInTimeOrder() {
        Map<String, JourneyEntry> entries = entries();
        List<JourneyEntry> all = JourneyPage.of("lead-1", "UTC", entries, JourneyPage.Request.ALL).view().entries();

        List<JourneyEntry> union = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            JourneyPage page = JourneyPage.of("lead-1", "UTC", entries, JourneyPage.Request.parse("7", cursor));
            assertThat(page.view().leadId()).isEqualTo("lead-1");
            assertThat(page.view().timezone()).isEqualTo("UTC");
            union.addAll(page.view().entries());
            sizes.add(page.view().entries().size());
            cursor = page.nextCursor();
            assertThat(cursor == null || cursor.matches("[A-Za-z0-9_-]+")).as("URL-safe: %s", cursor).isTrue();
        } while (cursor != null);

        assertThat(sizes).containsExactly(7, 7, 7, 4);
        assertThat(union).containsExactlyElementsOf(all).doesNotHaveDuplicates().hasSize(25);
    }

    @Test
    void theDefaultIsTheWholeJourneyWithoutACursor() {
        JourneyPage page = JourneyPage.of("lead-1", "UTC", entries(), JourneyPage.Request.parse(null, null));
        assertThat(page.view().entries()).hasSize(25);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void aBadLimitOrCursorIsA400NamingIt() {
        assertThatThrownBy(() -> JourneyPage.Request.parse("0", null)).isInstanceOfSatisfying(
                ResponseStatusException.class, e -> assertThat(e.getReason()).startsWith("limit: '0'"));
        assertThatThrownBy(() -> JourneyPage.Request.parse(null, "bad!")).isInstanceOfSatisfying(
                ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(400);
                    assertThat(e.getReason()).startsWith("cursor: 'bad!'");
                });
    }
}
