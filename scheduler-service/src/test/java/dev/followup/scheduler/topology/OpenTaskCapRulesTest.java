package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.repeating;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code max-open-tasks-per-lead} (3 here): a new task for a lead with that many PENDING, HELD or EMITTED tasks is
 * refused; a command is dead-lettered naming the cap, a policy's task is not created and counted.
 */
class OpenTaskCapRulesTest {

    private final List<Channel> capped = new ArrayList<>();
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults().withMaxOpenTasksPerLead(3),
            new SchedulerEvents() {
                @Override
                public void taskCapped(Channel channel) {
                    capped.add(channel);
                }
            });

    @BeforeEach
    void anyDayAnyHour() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setTimezone("UTC")
                .setWorkingDays(List.of(Weekday.values())).setSendWindow(null)
                .setLeadFollowUps(List.of(new LeadFollowUp("10m", Channel.SMS), new LeadFollowUp("1h", Channel.EMAIL),
                        new LeadFollowUp("1d", Channel.CALL)))
                .build());
    }

    @AfterEach
    void close() {
        d.close();
    }

    private String dlqError() {
        var dlq = d.deadLetters(Topics.COMMANDS);
        assertThat(dlq).hasSize(1);
        return SchedulerDriver.headers(dlq.get(0)).get("followup.error");
    }

    @Test
    void aScheduleTaskBeyondTheCapIsDeadLetteredNamingTheCapAndEmittedTasksCountUntilTheirReceipt() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START);
        d.scheduleTask("cmd-2", "lead-1", Channel.SMS, START);
        d.scheduleTask("cmd-3", "lead-1", Channel.CALL, START.plus(Duration.ofDays(1)));
        d.advance(Duration.ofSeconds(5));
        List<DueTask> sms = d.emitted(Channel.SMS);
        assertThat(sms).hasSize(2); // EMITTED: still open

        d.scheduleTask("cmd-4", "lead-1", Channel.SMS, START.plus(Duration.ofDays(1)));

        assertThat(dlqError()).contains("lead acme:lead-1 has 3 open tasks")
                .contains("max-open-tasks-per-lead 3 reached");
        assertThat(d.task(TaskIds.manual("acme", "cmd-4"))).isNull();
        assertThat(capped).as("a refused command is counted as dead-lettered, not as capped").isEmpty();

        d.receipt(sms.get(0), ReceiptStatus.SENT);
        d.scheduleTask("cmd-5", "lead-1", Channel.SMS, START.plus(Duration.ofDays(1)));
        assertThat(d.task(TaskIds.manual("acme", "cmd-5")).status()).isEqualTo(TaskStatus.PENDING);
        d.scheduleTask("cmd-6", "other-lead", Channel.SMS, START.plus(Duration.ofDays(1)));
        assertThat(d.task(TaskIds.manual("acme", "cmd-6"))).as("the cap is per lead").isNotNull();
    }

    @Test
    void leadScoreFollowUpsBeyondTheCapAreNotCreatedAndCounted() {
        d.scheduleTask("cmd-1", "lead-1", Channel.CALL, START.plus(Duration.ofDays(2)));
        d.scheduleTask("cmd-2", "lead-1", Channel.CALL, START.plus(Duration.ofDays(2)));

        d.scored("lead-1", START, 0.9);

        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 0)).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 1))).isNull();
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 2))).isNull();
        assertThat(capped).containsExactly(Channel.EMAIL, Channel.CALL);
        assertThat(d.deadLetters(Topics.LEAD_EVENTS)).isEmpty();
    }

    @Test
    void anEnrollmentBeyondTheCapIsDeadLetteredAndNotStarted() {
        d.sequence("welcome", true, step(StepType.EMAIL, "0m"));
        for (int i = 1; i <= 3; i++) {
            d.scheduleTask("cmd-" + i, "lead-1", Channel.CALL, START.plus(Duration.ofDays(2)));
        }

        d.enroll("enroll-1", "lead-1", "welcome", null);

        assertThat(dlqError()).contains("max-open-tasks-per-lead 3 reached");
        assertThat(d.enrollment("lead-1", "welcome")).isNull();
    }

    @Test
    void theNextOccurrenceBeyondTheCapIsNotCreatedAndStopsTheEnrollment() {
        d.sequence("hourly", true, repeating(StepType.SMS, "0m", StepRepeat.newBuilder().setEvery("1h").build()));
        d.enroll("enroll-1", "lead-1", "hourly", null);
        d.scheduleTask("cmd-1", "lead-1", Channel.CALL, START.plus(Duration.ofDays(2)));
        d.scheduleTask("cmd-2", "lead-1", Channel.CALL, START.plus(Duration.ofDays(2)));

        d.advance(Duration.ofSeconds(5)); // the first occurrence is emitted (still open): the next one would be a fourth

        assertThat(d.emitted(Channel.SMS)).hasSize(1);
        assertThat(capped).containsExactly(Channel.SMS);
        var enrollment = d.enrollment("lead-1", "hourly");
        assertThat(enrollment.status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(enrollment.statusDetail()).contains("max-open-tasks-per-lead 3 reached");
        assertThat(d.nextDueAt()).isEqualTo(START.plus(Duration.ofDays(2)));
    }
}
