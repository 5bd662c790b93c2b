package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandAndReceiptRulesTest {

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    private DueTask fireManual(String commandId, Channel channel, Instant due) {
        d.scheduleTask(commandId, "lead-1", channel, due);
        d.advanceTo(due);
        List<DueTask> out = d.emitted(channel);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void scheduleTaskFiresAManualTaskAtItsDueTimeOnce() {
        Instant due = START.plus(Duration.ofMinutes(7));
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, due);
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, due);
        d.advance(Duration.ofMinutes(7).minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));

        List<DueTask> sms = d.emitted(Channel.SMS);
        assertThat(sms).hasSize(1);
        assertThat(sms.get(0).getTaskId()).isEqualTo(TaskIds.manual("acme", "cmd-1"));
        assertThat(sms.get(0).getReason()).isEqualTo(TaskReason.MANUAL);
        assertThat(sms.get(0).getContext()).containsEntry("note", "call about pricing");
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, due);
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).as("a replayed command after emission").isEmpty();
    }

    @Test
    void cancelTaskCancelsOnePendingTask() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.scheduleTask("cmd-2", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(6)));
        d.cancelTask("lead-1", TaskIds.manual("acme", "cmd-1"));
        d.advance(Duration.ofHours(1));

        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId).containsExactly(TaskIds.manual("acme", "cmd-2"));
        assertThat(d.task(TaskIds.manual("acme", "cmd-1")).status()).isEqualTo(TaskStatus.CANCELED);
    }

    @Test
    void cancelTaskOfAnotherLeadIsANoOp() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.cancelTask("lead-2", TaskIds.manual("acme", "cmd-1"));
        d.advance(Duration.ofHours(1));
        assertThat(d.emitted(Channel.SMS)).hasSize(1);
    }

    @Test
    void cancelFollowUpsCancelsEveryPendingTaskOfTheLead() {
        d.scored("lead-1", START, 0.9);
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T15:00", "UTC");
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.scheduleTask("cmd-2", "lead-2", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.cancelFollowUps("lead-1");
        d.advance(Duration.ofDays(1));

        assertThat(d.emittedAll()).extracting(DueTask::getLeadId).containsExactly("lead-2");
    }

    @Test
    void receiptsRecordTheTaskOutcome() {
        DueTask task = fireManual("cmd-1", Channel.EMAIL, START.plus(Duration.ofMinutes(1)));
        assertThat(d.task(task.getTaskId()).status()).isEqualTo(TaskStatus.EMITTED);
        assertThat(d.task(task.getTaskId()).emittedAt()).isEqualTo(task.getEmittedAt());

        d.receipt(task, ReceiptStatus.SENT);
        assertThat(d.task(task.getTaskId()).status()).isEqualTo(TaskStatus.SENT);
    }

    @Test
    void aDeadReceiptAfterTheExecutorsOwnRetriesMakesTheTaskDeadAndARetryEmitsTheNextAttempt() {
        DueTask first = fireManual("cmd-1", Channel.CALL, START.plus(Duration.ofMinutes(1)));
        // the executor tried attempts 1, 2 and 3 of this emission, then gave up
        d.receipt(DueTask.newBuilder(first).setAttempt(3).build(), ReceiptStatus.DEAD);
        assertThat(d.task(first.getTaskId()).status()).isEqualTo(TaskStatus.DEAD);
        assertThat(d.task(first.getTaskId()).attempt()).isEqualTo(3);

        d.retryTask("retry-1", "lead-1", first.getTaskId(), null);
        d.advance(Duration.ofSeconds(1));
        List<DueTask> retried = d.emitted(Channel.CALL);
        assertThat(retried).extracting(DueTask::getAttempt).containsExactly(4);
        d.receipt(first, ReceiptStatus.DEAD);
        assertThat(d.task(first.getTaskId()).status()).as("a stale receipt of attempt 1").isEqualTo(TaskStatus.EMITTED);
        d.receipt(retried.get(0), ReceiptStatus.DRAFTED);
        assertThat(d.task(first.getTaskId()).status()).isEqualTo(TaskStatus.DRAFTED);
    }

    @Test
    void retryTaskReEmitsAFailedTaskWithTheNextAttemptNotBeforeTheGivenTime() {
        DueTask first = fireManual("cmd-1", Channel.CALL, START.plus(Duration.ofMinutes(1)));
        d.receipt(first, ReceiptStatus.FAILED);
        assertThat(d.task(first.getTaskId()).status()).isEqualTo(TaskStatus.FAILED);
        assertThat(d.task(first.getTaskId()).statusDetail()).isEqualTo("webhook answered 400");

        Instant notBefore = d.now().plus(Duration.ofMinutes(10));
        d.retryTask("retry-1", "lead-1", first.getTaskId(), notBefore);
        d.retryTask("retry-1", "lead-1", first.getTaskId(), notBefore);
        d.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));

        List<DueTask> retried = d.emitted(Channel.CALL);
        assertThat(retried).hasSize(1);
        assertThat(retried.get(0).getTaskId()).isEqualTo(first.getTaskId());
        assertThat(retried.get(0).getAttempt()).isEqualTo(2);
        assertThat(retried.get(0).getReason()).isEqualTo(TaskReason.RETRY);
        assertThat(retried.get(0).getDueAt()).isEqualTo(notBefore);

        d.receipt(first, ReceiptStatus.DEAD);
        assertThat(d.task(first.getTaskId()).status()).as("a stale receipt of attempt 1").isEqualTo(TaskStatus.EMITTED);
        d.receipt(retried.get(0), ReceiptStatus.DEAD);
        assertThat(d.task(first.getTaskId()).status()).isEqualTo(TaskStatus.DEAD);
        d.retryTask("retry-1", "lead-1", first.getTaskId(), null);
        d.advance(Duration.ofHours(1));
        assertThat(d.emittedAll()).as("the same retry command again").isEmpty();
    }

    @Test
    void retryWithoutNotBeforeIsDueAtIssuedAt() {
        DueTask first = fireManual("cmd-1", Channel.CALL, START.plus(Duration.ofMinutes(1)));
        d.receipt(first, ReceiptStatus.DEAD);
        d.retryTask("retry-1", "lead-1", first.getTaskId(), null);
        d.advance(Duration.ofMillis(100));
        assertThat(d.emitted(Channel.CALL)).extracting(DueTask::getDueAt).containsExactly(d.now().minusMillis(100));
    }

    @Test
    void retryOfAPendingOrUnknownTaskIsANoOp() {
        d.scheduleTask("cmd-1", "lead-1", Channel.CALL, START.plus(Duration.ofMinutes(30)));
        d.retryTask("retry-1", "lead-1", TaskIds.manual("acme", "cmd-1"), null);
        d.retryTask("retry-2", "lead-1", "no-such-task", null);
        d.advance(Duration.ofMinutes(29));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMinutes(2));
        assertThat(d.emitted(Channel.CALL)).extracting(DueTask::getAttempt).containsExactly(1);
        assertThat(d.deadLetters(Topics.COMMANDS)).isEmpty();
    }

    @Test
    void retryOfASucceededTaskIsANoOp() {
        DueTask first = fireManual("cmd-1", Channel.EMAIL, START.plus(Duration.ofMinutes(1)));
        d.receipt(first, ReceiptStatus.DRAFTED);
        d.retryTask("retry-1", "lead-1", first.getTaskId(), null);
        d.advance(Duration.ofHours(1));
        assertThat(d.emittedAll()).isEmpty();
    }
}
