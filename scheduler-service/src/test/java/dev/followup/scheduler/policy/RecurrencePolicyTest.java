package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.StepRepeat;
import dev.followup.scheduler.policy.RecurrencePolicy.Occurrence;
import dev.followup.scheduler.policy.RecurrencePolicy.Rule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecurrencePolicyTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final WorkingCalendar EVERY_DAY = WorkingCalendar.EVERY_DAY;

    private static Rule rule(StepRepeat.Builder repeat) {
        return RecurrencePolicy.rule("steps[0].repeat", repeat.build());
    }

    private static List<Occurrence> all(Rule rule, Instant from, ZoneId zone, int max) {
        List<Occurrence> out = new ArrayList<>();
        Optional<Occurrence> o = RecurrencePolicy.first(rule, from, zone, EVERY_DAY);
        while (o.isPresent() && out.size() < max) {
            out.add(o.get());
            o = RecurrencePolicy.next(rule, o.get(), zone, EVERY_DAY);
        }
        return out;
    }

    @Test
    void aLocalTimeInTheSpringForwardGapRunsWhenTheClockJumps() {
        // New York 2026-03-08: 02:00 EST -> 03:00 EDT
        assertThat(RecurrencePolicy.resolve(LocalDateTime.parse("2026-03-08T02:30"), NEW_YORK))
                .isEqualTo(Instant.parse("2026-03-08T07:00:00Z")); // 03:00 EDT
    }

    @Test
    void aLocalTimeInTheFallBackOverlapRunsAtTheFirstOfTheTwo() {
        // New York 2026-11-01: 02:00 EDT -> 01:00 EST, so 01:30 happens twice
        assertThat(RecurrencePolicy.resolve(LocalDateTime.parse("2026-11-01T01:30"), NEW_YORK))
                .isEqualTo(Instant.parse("2026-11-01T05:30:00Z")); // 01:30 EDT
    }

    @Test
    void anHourlyCronRunsOncePerLocalHourOnTheFallBackDay() {
        Rule hourly = rule(StepRepeat.newBuilder().setCron("0 0 * * * *"));
        List<Occurrence> night = all(hourly, Instant.parse("2026-11-01T04:00:00Z"), NEW_YORK, 4); // 00:00 EDT
        assertThat(night).extracting(Occurrence::key).containsExactly("2026-11-01T00:00", "2026-11-01T01:00",
                "2026-11-01T02:00", "2026-11-01T03:00");
        assertThat(night).extracting(Occurrence::at).containsExactly(Instant.parse("2026-11-01T04:00:00Z"),
                Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-01T07:00:00Z"),
                Instant.parse("2026-11-01T08:00:00Z"));
    }

    @Test
    void anElapsedTimeIntervalKeepsItsPaceAndTellsTheRepeatedHourApartByItsOffset() {
        Rule everyHour = rule(StepRepeat.newBuilder().setEvery("1h"));
        List<Occurrence> night = all(everyHour, Instant.parse("2026-11-01T04:00:00Z"), NEW_YORK, 4);
        assertThat(night).extracting(Occurrence::at).containsExactly(Instant.parse("2026-11-01T04:00:00Z"),
                Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-01T06:00:00Z"),
                Instant.parse("2026-11-01T07:00:00Z"));
        assertThat(night).extracting(Occurrence::key).containsExactly("2026-11-01T00:00-04:00",
                "2026-11-01T01:00-04:00", "2026-11-01T01:00-05:00", "2026-11-01T02:00-05:00");
    }

    @Test
    void untilAndTimesBoundTheScheduleAndRemainingCountsWhatIsLeft() {
        Instant from = Instant.parse("2026-03-02T09:00:00Z");
        Rule tenDays = rule(StepRepeat.newBuilder().setEvery("1d").setUntil(Instant.parse("2026-03-11T09:00:00Z")));
        List<Occurrence> runs = all(tenDays, from, ZoneId.of("UTC"), 100);
        assertThat(runs).hasSize(10);
        assertThat(RecurrencePolicy.remaining(tenDays, runs.get(0), ZoneId.of("UTC"), EVERY_DAY)).isEqualTo(10);
        assertThat(RecurrencePolicy.remaining(tenDays, runs.get(7), ZoneId.of("UTC"), EVERY_DAY)).isEqualTo(3);

        Rule three = rule(StepRepeat.newBuilder().setEvery("1d").setTimes(3)
                .setUntil(Instant.parse("2026-03-11T09:00:00Z")));
        assertThat(all(three, from, ZoneId.of("UTC"), 100)).hasSize(3);
        assertThat(RecurrencePolicy.remaining(rule(StepRepeat.newBuilder().setEvery("1d")),
                runs.get(0), ZoneId.of("UTC"), EVERY_DAY)).as("unbounded").isNull();
    }

    @Test
    void anInvalidRuleIsRefusedNamingTheFieldAndValue() {
        assertThatThrownBy(() -> rule(StepRepeat.newBuilder().setEvery("1d").setCron("0 0 9 * * *")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("steps[0].repeat needs exactly one of every and cron");
        assertThatThrownBy(() -> rule(StepRepeat.newBuilder())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> rule(StepRepeat.newBuilder().setEvery("soon")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("steps[0].repeat.every")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> rule(StepRepeat.newBuilder().setEvery("1d").setTimes(0)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("steps[0].repeat.times '0'");
        assertThatThrownBy(() -> rule(StepRepeat.newBuilder().setCron("every monday")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("steps[0].repeat.cron 'every monday'");
    }
}
