package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PausePolicyTest {

    private static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");
    private static final Instant MONDAY = Instant.parse("2026-03-09T08:00:00Z");
    private static final Instant FRIDAY = Instant.parse("2026-03-13T08:00:00Z");
    private static final LeadProfile LEAD = LeadProfile.UNKNOWN;

    @Test
    void anOutOfOfficePauseHoldsUntilItsEndAndSaysSo() {
        LeadProfile paused = PausePolicy.pause(LEAD, AT, MONDAY, PausePolicy.OUT_OF_OFFICE).orElseThrow();
        assertThat(paused.pausedAt()).isEqualTo(AT);
        assertThat(paused.pausedUntil()).isEqualTo(MONDAY);
        ScheduledTask held = PausePolicy.hold(paused, task(), AT);
        assertThat(held.status()).isEqualTo(TaskStatus.HELD);
        assertThat(held.statusDetail()).isEqualTo("out of office until 2026-03-09T08:00:00Z");
        assertThat(PausePolicy.label(MONDAY, "vacation")).isEqualTo("paused until 2026-03-09T08:00:00Z");
        assertThat(PausePolicy.label(null, null)).isEqualTo("paused");
    }

    @Test
    void aSecondPauseUntilReplacesTheEndEarlierOrLater() {
        LeadProfile paused = PausePolicy.pause(LEAD, AT, MONDAY, PausePolicy.OUT_OF_OFFICE).orElseThrow();
        LeadProfile later = PausePolicy.pause(paused, AT.plus(Duration.ofDays(1)), FRIDAY, PausePolicy.OUT_OF_OFFICE)
                .orElseThrow();
        assertThat(later.pausedUntil()).isEqualTo(FRIDAY);
        assertThat(later.pausedAt()).as("still paused since the first").isEqualTo(AT);
        LeadProfile earlier = PausePolicy.pause(later, AT.plus(Duration.ofDays(2)), MONDAY, null).orElseThrow();
        assertThat(earlier.pausedUntil()).isEqualTo(MONDAY);
        assertThat(PausePolicy.pause(earlier, AT.plus(Duration.ofDays(3)), MONDAY, null)).as("a replay").isEmpty();
    }

    @Test
    void aPauseWithoutAnEndOutlastsAnAutoReplyAndMakesAPauseUntilEndless() {
        LeadProfile manual = PausePolicy.pause(LEAD, AT).orElseThrow();
        assertThat(PausePolicy.pause(manual, AT.plusSeconds(60), MONDAY, PausePolicy.OUT_OF_OFFICE))
                .as("an auto-reply never shortens a person's hold").isEmpty();

        LeadProfile outOfOffice = PausePolicy.pause(LEAD, AT, MONDAY, PausePolicy.OUT_OF_OFFICE).orElseThrow();
        LeadProfile endless = PausePolicy.pause(outOfOffice, AT.plusSeconds(60)).orElseThrow();
        assertThat(endless.pausedUntil()).isNull();
        assertThat(endless.pausedAt()).isEqualTo(AT);
        assertThat(PausePolicy.releaseApplies(endless, MONDAY)).isFalse();
    }

    @Test
    void aReleaseAppliesOnlyToThePauseItWasScheduledFor() {
        LeadProfile paused = PausePolicy.pause(LEAD, AT, MONDAY, null).orElseThrow();
        assertThat(PausePolicy.releaseApplies(paused, MONDAY)).isTrue();
        assertThat(PausePolicy.releaseApplies(paused, FRIDAY)).isFalse();
        assertThat(PausePolicy.releaseApplies(PausePolicy.resume(paused).orElseThrow(), MONDAY))
                .as("resumed early").isFalse();
        assertThat(PausePolicy.releaseApplies(null, MONDAY)).isFalse();
    }

    @Test
    void aResumeClearsTheEndAndTheReason() {
        LeadProfile resumed = PausePolicy.resume(PausePolicy.pause(LEAD, AT, MONDAY, "vacation").orElseThrow())
                .orElseThrow();
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.pausedUntil()).isNull();
        assertThat(resumed.pauseReason()).isNull();
    }

    @Test
    void aHeldTaskTakesTheNewReleaseTimeButKeepsWhenItWasHeld() {
        LeadProfile paused = PausePolicy.pause(LEAD, AT, MONDAY, null).orElseThrow();
        ScheduledTask held = PausePolicy.hold(paused, task(), AT);
        LeadProfile extended = PausePolicy.pause(paused, AT.plusSeconds(60), FRIDAY, null).orElseThrow();
        ScheduledTask again = PausePolicy.hold(extended, held, AT.plusSeconds(60));
        assertThat(again.statusDetail()).isEqualTo("paused until 2026-03-13T08:00:00Z");
        assertThat(again.statusAt()).isEqualTo(AT);
        assertThat(PausePolicy.hold(extended, again, AT.plusSeconds(120))).isSameAs(again);
    }

    @Test
    void anEndNotAfterTheCommandOrAReasonThatIsNotATokenIsRefusedNamingIt() {
        assertThatThrownBy(() -> PausePolicy.pause(LEAD, AT, AT, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("until 2026-03-02T12:00:00Z is not after issuedAt");
        assertThatThrownBy(() -> PausePolicy.pause(LEAD, AT, MONDAY, "out of office!"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("reason");
    }

    private static ScheduledTask task() {
        return ScheduledTask.pending("mt-1", "acme", "lead-1", TaskReason.MANUAL, Channel.SMS, AT,
                AT.plus(Duration.ofHours(1)), null, null, Map.of());
    }
}
