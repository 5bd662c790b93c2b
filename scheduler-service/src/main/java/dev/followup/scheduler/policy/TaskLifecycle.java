package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Commands and receipts applied to one task. */
public final class TaskLifecycle {

    private TaskLifecycle() {
    }

    /** The manual task of a {@code ScheduleTask} command (the note is template context). */
    public static ScheduledTask manual(String tenantId, String leadId, String commandId, Channel channel, Instant dueAt,
            String templateId, String note, Instant issuedAt) {
        Map<String, String> context = new HashMap<>();
        if (note != null) {
            context.put("note", note);
        }
        return ScheduledTask.pending(TaskIds.manual(tenantId, commandId), tenantId, leadId, TaskReason.MANUAL, channel,
                issuedAt, dueAt, null, templateId, context);
    }

    /**
     * A {@code RetryTask}: a FAILED or DEAD task gets attempt + 1, due at {@code max(notBefore, issuedAt)}.
     * A retry of an open, emitted or succeeded task, or a command already applied, changes nothing.
     */
    public static Optional<ScheduledTask> retry(ScheduledTask task, Instant notBefore, Instant issuedAt, String commandId) {
        if (task == null || !task.status().isRetryable() || commandId.equals(task.lastCommandId())) {
            return Optional.empty();
        }
        Instant due = notBefore != null && notBefore.isAfter(issuedAt) ? notBefore : issuedAt;
        return Optional.of(task.nextAttempt(due, issuedAt, commandId));
    }

    /**
     * Whether a {@code RetryTask} of {@code task} is refused because the lead now blocks the task's channel (opted
     * out, erased, or a bounced address for email): a retry never gets past a block. An unknown task is not blocked
     * here ({@link #retry} ignores it).
     */
    public static boolean retryBlocked(ScheduledTask task, LeadProfile profile) {
        return task != null && profile.blocks(task.channel());
    }

    /** The status detail of a task whose draft a person sent ({@link #sentByPerson}). */
    public static final String SENT_BY_PERSON = "sent by a person";

    /**
     * Whether a receipt is a person sending the task's draft: SENT for a DRAFTED task (the mailbox watcher saw the
     * draft in the Sent folder). It is the task's second terminal receipt; whatever attempt it names, it is about the
     * one draft the task has (a DRAFTED task is never retried).
     */
    public static boolean sentByPerson(ScheduledTask task, ReceiptStatus status) {
        return task != null && task.status() == TaskStatus.DRAFTED && status == ReceiptStatus.SENT;
    }

    /**
     * Whether a receipt comes after the task was SENT: SENT is the last word on a task (a replayed SENT, or a late
     * DRAFTED of the draft a person already sent, changes nothing and is not recorded again).
     */
    public static boolean afterSent(ScheduledTask task) {
        return task != null && task.status() == TaskStatus.SENT;
    }

    /**
     * A receipt records the outcome of the task's current emission. The executor's own retries count the attempt up
     * from the emitted one (a DEAD receipt after 5 tries of attempt 1 says attempt 5), so a receipt of that attempt or
     * a later one applies, and the task takes its attempt: a {@code RetryTask} then emits the next one. Receipts of
     * earlier attempts, of unknown, canceled or SENT tasks change nothing. A DRAFTED task becomes SENT, "sent by a
     * person", at the SENT receipt's {@code completedAt} (so retention counts from then), keeping its attempt.
     */
    public static Optional<ScheduledTask> onReceipt(ScheduledTask task, ReceiptStatus status, int attempt,
            Instant completedAt, String error) {
        if (sentByPerson(task, status)) {
            return Optional.of(task.withStatus(TaskStatus.SENT, completedAt, SENT_BY_PERSON)
                    .withAttempt(Math.max(attempt, task.attempt())));
        }
        if (task == null || attempt < task.attempt() || task.status().isOpen() || task.status() == TaskStatus.CANCELED
                || afterSent(task)) {
            return Optional.empty();
        }
        TaskStatus next = TaskStatus.valueOf(status.name());
        if (task.status() == next && attempt == task.attempt()) {
            return Optional.empty();
        }
        return Optional.of(task.withStatus(next, completedAt, error).withAttempt(attempt));
    }
}
