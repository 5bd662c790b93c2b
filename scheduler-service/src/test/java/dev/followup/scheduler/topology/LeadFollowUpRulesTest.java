package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.BookingFollowUp;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeadFollowUpRulesTest {

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void scoreAtOrAboveThresholdSchedulesDefaultEmailsAt30mAnd2hAfterOccurredAt() {
        d.scored("lead-1", START, 0.70);

        d.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(d.emittedAll()).as("nothing fires before its due time").isEmpty();

        d.advance(Duration.ofMillis(1));
        List<DueTask> first = d.emitted(Channel.EMAIL);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).getTaskId()).isEqualTo(TaskIds.leadScore("acme", "lead-1", 0));
        assertThat(first.get(0).getDueAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
        assertThat(first.get(0).getReason()).isEqualTo(TaskReason.LEAD_SCORE);
        assertThat(first.get(0).getAttempt()).isEqualTo(1);

        d.advanceTo(START.plus(Duration.ofHours(2)));
        List<DueTask> second = d.emitted(Channel.EMAIL);
        assertThat(second).extracting(DueTask::getDueAt).containsExactly(START.plus(Duration.ofHours(2)));
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void scoreBelowThresholdSchedulesNothing() {
        d.scored("lead-1", START, 0.69);
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void capturedLeadWithQualifyingScoreFiresWithItsContactSnapshot() {
        d.captured("lead-1", START, 0.9);
        d.advanceTo(START.plus(Duration.ofMinutes(30)));

        DueTask task = d.emitted(Channel.EMAIL).get(0);
        assertThat(task.getContact().getName()).isEqualTo("Ada lead-1");
        assertThat(task.getContact().getEmail()).isEqualTo("lead-1@example.com");
        assertThat(task.getContact().getTimezone()).isEqualTo("Europe/London");
        assertThat(task.getContext()).containsEntry("company", "Analytical Engines");
        assertThat(task.getEmittedAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
    }

    @Test
    void laterScoreBelowThresholdCancelsPendingLeadFollowUps() {
        d.scored("lead-1", START, 0.9);
        d.advance(Duration.ofMinutes(31));
        assertThat(d.emitted(Channel.EMAIL)).hasSize(1);

        d.scored("lead-1", START.plus(Duration.ofMinutes(40)), 0.2);
        d.advance(Duration.ofHours(3));

        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 1)).status()).isEqualTo(TaskStatus.CANCELED);
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 0)).status()).isEqualTo(TaskStatus.EMITTED);
    }

    @Test
    void reScoringAboveThresholdDoesNotDuplicateOrPostpone() {
        d.scored("lead-1", START, 0.8);
        d.scored("lead-1", START.plus(Duration.ofMinutes(10)), 0.95);
        d.scored("lead-1", START, 0.8);

        d.advance(Duration.ofHours(3));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt)
                .containsExactly(START.plus(Duration.ofMinutes(30)), START.plus(Duration.ofHours(2)));
    }

    @Test
    void scoreAboveThresholdAfterALowerOneReArmsCanceledFollowUps() {
        d.scored("lead-1", START, 0.8);
        d.scored("lead-1", START.plus(Duration.ofMinutes(5)), 0.1);
        d.scored("lead-1", START.plus(Duration.ofMinutes(10)), 0.9);

        d.advance(Duration.ofHours(3));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt)
                .containsExactly(START.plus(Duration.ofMinutes(40)), START.plus(Duration.ofMinutes(130)));
    }

    @Test
    void dueTimesDeriveFromEventTimeNotProcessingTime() {
        Instant occurred = START.minus(Duration.ofHours(1));
        d.scored("lead-1", occurred, 0.9);
        d.advance(Duration.ofMillis(100));

        List<DueTask> fired = d.emitted(Channel.EMAIL);
        assertThat(fired).extracting(DueTask::getDueAt).containsExactly(occurred.plus(Duration.ofMinutes(30)));
        d.advanceTo(occurred.plus(Duration.ofHours(2)));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt)
                .containsExactly(occurred.plus(Duration.ofHours(2)));
    }

    @Test
    void tenantSettingsThresholdFollowUpsAndAutoEnabledApply() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setLeadScoreThreshold(0.5)
                .setLeadFollowUps(List.of(new LeadFollowUp("10m", Channel.SMS)))
                .setBookingFollowUps(List.of(new BookingFollowUp("0m", Channel.CALL))).build());
        d.scored("lead-1", START, 0.55);
        d.advance(Duration.ofMinutes(10));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getDueAt).containsExactly(START.plus(Duration.ofMinutes(10)));

        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setAutoEnabled(false).build());
        d.scored("lead-2", d.now(), 0.99);
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).as("automation off: no follow-ups").isEmpty();
    }

    @Test
    void repliedBookedOrConvertedCancelsPendingLeadScoreTasksButNotOthers() {
        for (EngagementKind kind : List.of(EngagementKind.REPLIED, EngagementKind.BOOKED, EngagementKind.CONVERTED)) {
            String lead = "lead-" + kind;
            d.scored(lead, START, 0.9);
            d.scheduleTask("manual-" + kind, lead, Channel.CALL, START.plus(Duration.ofHours(1)));
            d.engaged(lead, START.plus(Duration.ofMinutes(1)), kind);
        }
        d.advance(Duration.ofHours(3));

        assertThat(d.emitted(Channel.EMAIL)).isEmpty();
        assertThat(d.emitted(Channel.CALL)).hasSize(3).allMatch(t -> t.getReason() == TaskReason.MANUAL);
    }

    @Test
    void optedOutCancelsEverythingAndBlocksNewTasks() {
        d.scored("lead-1", START, 0.9);
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T15:00", "UTC");
        d.engaged("lead-1", START.plus(Duration.ofMinutes(1)), EngagementKind.OPTED_OUT);
        d.scheduleTask("manual-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.scored("lead-1", START.plus(Duration.ofMinutes(2)), 0.99);

        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.dueIndexSize()).isZero();
    }

    @Test
    void bouncedCancelsAndBlocksEmailOnly() {
        d.scored("lead-1", START, 0.9);
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T15:00", "UTC");
        d.engaged("lead-1", START.plus(Duration.ofMinutes(1)), EngagementKind.BOUNCED);
        d.scheduleTask("manual-email", "lead-1", Channel.EMAIL, START.plus(Duration.ofMinutes(5)));
        d.scheduleTask("manual-sms", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));

        d.advance(Duration.ofDays(1));
        assertThat(d.emitted(Channel.EMAIL)).isEmpty();
        assertThat(d.emitted(Channel.SMS)).hasSize(1);
        assertThat(d.emitted(Channel.CALL)).hasSize(1);
    }

    @Test
    void erasedLeadLosesItsContactDataAndAllTasksAndGetsNoNewOnes() {
        d.captured("lead-1", START, 0.9);
        d.scheduleTask("manual-1", "lead-1", Channel.CALL, START.plus(Duration.ofMinutes(5)));
        d.erased("lead-1", START.plus(Duration.ofMinutes(1)));
        d.captured("lead-1", START.plus(Duration.ofMinutes(2)), 0.9);
        d.scheduleTask("manual-2", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));

        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.profile("lead-1").name()).isNull();
        assertThat(d.profile("lead-1").email()).isNull();
        assertThat(d.profile("lead-1").phone()).isNull();
        assertThat(d.profile("lead-1").erased()).isTrue();
        assertThat(d.task(TaskIds.manual("acme", "manual-1")).context()).as("the note is gone too").isEmpty();
    }

    @Test
    void taskOfALeadNeverCapturedFiresWithTheLeadIdAsName() {
        d.scored("lead-1", START, 0.9);
        d.advance(Duration.ofMinutes(30));
        DueTask task = d.emitted(Channel.EMAIL).get(0);
        assertThat(task.getContact().getName()).isEqualTo("lead-1");
        assertThat(task.getContact().getEmail()).isNull();
    }
}
