package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.StepType;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PauseResumeRulesTest {

    private static final String MANUAL = TaskIds.manual("acme", "cmd-1");

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void aTaskPausedAcrossItsDueTimeFiresAtOnceOnResume() {
        Instant due = START.plus(Duration.ofMinutes(10));
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, due);
        d.advance(Duration.ofMinutes(5));
        d.pause("lead-1");
        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.dueIndexSize()).as("held tasks are out of the due index").isZero();

        d.advance(Duration.ofHours(1));
        assertThat(d.emittedAll()).isEmpty();

        d.resume("lead-1");
        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.PENDING);
        d.advance(Duration.ofMillis(100));
        List<DueTask> sms = d.emitted(Channel.SMS);
        assertThat(sms).extracting(DueTask::getDueAt).containsExactly(due);
        assertThat(sms.get(0).getEmittedAt()).isEqualTo(d.now());
    }

    @Test
    void aTaskResumedBeforeItsDueTimeFiresAtItsDueTime() {
        Instant due = START.plus(Duration.ofMinutes(10));
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, due);
        d.pause("lead-1");
        d.advance(Duration.ofMinutes(2));
        d.resume("lead-1");

        d.advanceTo(due.minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getDueAt).containsExactly(due);
    }

    @Test
    void pausingTwiceAndResumingAnUnpausedLeadAreNoOps() {
        Instant due = START.plus(Duration.ofMinutes(10));
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, due);
        d.resume("lead-1");
        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.PENDING);

        d.pause("lead-1");
        Instant pausedAt = d.now();
        d.advance(Duration.ofMinutes(1));
        d.pause("lead-1");
        assertThat(d.profile("lead-1").pausedAt()).as("the first pause stands").isEqualTo(pausedAt);
        assertThat(d.task(MANUAL).statusAt()).isEqualTo(pausedAt);

        d.resume("lead-1");
        d.resume("lead-1");
        assertThat(d.profile("lead-1").paused()).isFalse();
        d.advance(Duration.ofHours(1));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getDueAt).containsExactly(due);
    }

    @Test
    void tasksPlannedWhileTheLeadIsPausedAreHeld() {
        d.sequence("welcome", true, step(StepType.CALL, "20m"));
        d.pause("lead-1");
        d.scored("lead-1", START, 0.9);
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T13:00", "UTC");
        d.enroll("enroll-1", "lead-1", "welcome", null);
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));

        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 0)).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.task(TaskIds.booking("acme", "lead-1", "bk-1", 0)).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.task(TaskIds.sequenceStep("acme", "lead-1", "welcome", 1, 0)).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.dueIndexSize()).isZero();
        d.advance(Duration.ofMinutes(90));
        assertThat(d.emittedAll()).isEmpty();

        d.resume("lead-1");
        d.advance(Duration.ofMillis(100));
        assertThat(d.emittedAll()).as("the overdue ones, at once, in due order").extracting(DueTask::getDueAt)
                .containsExactly(START.plus(Duration.ofMinutes(5)), START.plus(Duration.ofMinutes(20)),
                        START.plus(Duration.ofMinutes(30)), START.plus(Duration.ofMinutes(60)));
        d.advanceTo(START.plus(Duration.ofHours(2)));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt)
                .containsExactly(START.plus(Duration.ofHours(2)));
    }

    @Test
    void aSequenceStepChainedWhileThePauseLastsIsHeld() {
        d.sequence("welcome", true, step(StepType.EMAIL, "0m"), step(StepType.SMS, "1h"));
        d.enroll("enroll-1", "lead-1", "welcome", null);
        d.advance(Duration.ofMillis(100));
        DueTask email = d.emitted(Channel.EMAIL).get(0);
        d.pause("lead-1");
        d.receipt(email, ReceiptStatus.DRAFTED);

        String sms = TaskIds.sequenceStep("acme", "lead-1", "welcome", 1, 1);
        assertThat(d.task(sms).status()).isEqualTo(TaskStatus.HELD);
        d.advance(Duration.ofHours(2));
        assertThat(d.emittedAll()).isEmpty();
        d.resume("lead-1");
        d.advance(Duration.ofMillis(100));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId).containsExactly(sms);
    }

    @Test
    void heldTasksCanStillBeCanceledAndRescheduled() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.scheduleTask("cmd-2", "lead-2", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T13:00", "UTC");
        d.pause("lead-1");
        d.pause("lead-2");
        d.cancelTask("lead-1", MANUAL);
        d.bookingRescheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.cancelFollowUps("lead-2");

        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.CANCELED);
        assertThat(d.task(TaskIds.manual("acme", "cmd-2")).status()).isEqualTo(TaskStatus.CANCELED);
        String booking = TaskIds.booking("acme", "lead-1", "bk-1", 0);
        assertThat(d.task(booking).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.task(booking).dueAt()).isEqualTo(Instant.parse("2026-03-02T14:00:00Z"));

        d.resume("lead-1");
        d.resume("lead-2");
        d.advance(Duration.ofHours(3));
        assertThat(d.emittedAll()).extracting(DueTask::getTaskId).containsExactly(booking);
    }
}
