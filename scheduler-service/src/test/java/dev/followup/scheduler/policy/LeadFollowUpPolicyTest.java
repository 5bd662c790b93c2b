package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeadFollowUpPolicyTest {

    private static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");
    private static final TenantSettings DEFAULTS = TenantSettings.newBuilder().setTenantId("acme").build();

    @Test
    void aQualifyingScoreGetsTheDefaultEmailsAt30mAnd2h() {
        var decision = LeadFollowUpPolicy.onScore(DEFAULTS, "acme", "lead-1", 0.7, AT);
        assertThat(decision).isInstanceOf(LeadFollowUpPolicy.ScoreDecision.Schedule.class);
        List<ScheduledTask> tasks = ((LeadFollowUpPolicy.ScoreDecision.Schedule) decision).tasks();
        assertThat(tasks).extracting(ScheduledTask::dueAt)
                .containsExactly(AT.plus(Duration.ofMinutes(30)), AT.plus(Duration.ofHours(2)));
        assertThat(tasks).allMatch(t -> t.channel() == Channel.EMAIL && t.source() == TaskReason.LEAD_SCORE
                && t.status() == TaskStatus.PENDING && t.attempt() == 1);
    }

    @Test
    void aScoreBelowTheThresholdCancelsLeadScoreTasks() {
        var decision = LeadFollowUpPolicy.onScore(DEFAULTS, "acme", "lead-1", 0.69, AT);
        assertThat(decision).isInstanceOf(LeadFollowUpPolicy.ScoreDecision.Cancel.class);
        Cancellation cancellation = ((LeadFollowUpPolicy.ScoreDecision.Cancel) decision).cancellation();
        ScheduledTask leadTask = ScheduledTask.pending("ls-1", "acme", "lead-1", TaskReason.LEAD_SCORE, Channel.EMAIL,
                AT, AT, null, null, Map.of());
        ScheduledTask booking = ScheduledTask.pending("bk-1", "acme", "lead-1", TaskReason.BOOKING, Channel.CALL,
                AT, AT, "b", null, Map.of());
        assertThat(cancellation.matches(leadTask)).isTrue();
        assertThat(cancellation.matches(booking)).isFalse();
    }

    @Test
    void automationOffIgnoresQualifyingScores() {
        TenantSettings off = TenantSettings.newBuilder(DEFAULTS).setAutoEnabled(false).build();
        assertThat(LeadFollowUpPolicy.onScore(off, "acme", "lead-1", 0.99, AT))
                .isInstanceOf(LeadFollowUpPolicy.ScoreDecision.Ignore.class);
    }

    @Test
    void scoresOutsideZeroToOneAreInvalid() {
        assertThatThrownBy(() -> LeadFollowUpPolicy.onScore(DEFAULTS, "acme", "lead-1", 1.5, AT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("predProb 1.5");
    }

    @Test
    void anInvalidDelayInTheSettingsNamesTheField() {
        TenantSettings bad = TenantSettings.newBuilder(DEFAULTS)
                .setLeadFollowUps(List.of(new LeadFollowUp("soon", Channel.EMAIL))).build();
        assertThatThrownBy(() -> LeadFollowUpPolicy.onScore(bad, "acme", "lead-1", 0.9, AT))
                .hasMessageContaining("leadFollowUps[0].delay 'soon'");
    }

    @Test
    void engagementsCancelWhatTheRulesSay() {
        ScheduledTask email = ScheduledTask.pending("t1", "acme", "l", TaskReason.MANUAL, Channel.EMAIL, AT, AT, null, null, Map.of());
        ScheduledTask sms = ScheduledTask.pending("t2", "acme", "l", TaskReason.MANUAL, Channel.SMS, AT, AT, null, null, Map.of());
        assertThat(LeadFollowUpPolicy.onEngaged(EngagementKind.REPLIED).matches(email)).isFalse();
        assertThat(LeadFollowUpPolicy.onEngaged(EngagementKind.OPTED_OUT).matches(sms)).isTrue();
        assertThat(LeadFollowUpPolicy.onEngaged(EngagementKind.BOUNCED).matches(email)).isTrue();
        assertThat(LeadFollowUpPolicy.onEngaged(EngagementKind.BOUNCED).matches(sms)).isFalse();
    }
}
