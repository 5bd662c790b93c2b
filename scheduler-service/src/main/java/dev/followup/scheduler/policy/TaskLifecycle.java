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

    /**
     * A receipt records the outcome of the task's current emission. The executor's own retries count the attempt up
     * from the emitted one (a DEAD receipt after 5 tries of attempt 1 says attempt 5), so a receipt of that attempt or
     * a later one applies, and the task takes its attempt: a {@code RetryTask} then emits the next one. Receipts of
     * earlier attempts, of unknown or canceled tasks change nothing.
     */
    public static Optional<ScheduledTask> onReceipt(ScheduledTask task, ReceiptStatus status, int attempt,
            Instant completedAt, String error) {
        if (task == null || attempt < task.attempt() || task.status().isOpen() || task.status() == TaskStatus.CANCELED) {
            return Optional.empty();
        }
        TaskStatus next = TaskStatus.valueOf(status.name());
        if (task.status() == next && attempt == task.attempt()) {
            return Optional.empty();
        }
        return Optional.of(task.withStatus(next, completedAt, error).withAttempt(attempt));
    }
}
