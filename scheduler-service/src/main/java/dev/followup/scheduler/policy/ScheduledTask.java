package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import java.time.Instant;
import java.util.Map;

/**
 * A task as the scheduler keeps it (the tasks store value and the query API's view).
 *
 * @param source        what created the task (never RETRY: a retry is {@code attempt > 1})
 * @param anchorAt      the instant the task's delay or offset counts from (score time, booking start, ...):
 *                      a reschedule keeps {@code originalDueAt - anchorAt}
 * @param originalDueAt when the policy wanted the task
 * @param dueAt         when it fires: {@code originalDueAt} after the {@link DueTimeAdjuster}, or a retry's time
 * @param statusAt      when the current status was reached (event time of a cancel, emission time, ...)
 * @param statusDetail  why (a cancel reason, an executor error), never contact data
 * @param lastCommandId the last command applied to this task, so a duplicated command is a no-op
 * @param occurrence    for an occurrence of a recurring step: its number and local date-time; null otherwise
 * @param windowExempt  whether the tenant's send window leaves the task alone (a recurring step that runs at its own
 *                      local time); manual tasks and booking calls are exempt by their source, see
 *                      {@link SendWindowPolicy#appliesTo}
 */
public record ScheduledTask(
        String taskId,
        String tenantId,
        String leadId,
        TaskReason source,
        Channel channel,
        TaskStatus status,
        Instant anchorAt,
        Instant originalDueAt,
        Instant dueAt,
        int attempt,
        String bookingId,
        String sequenceId,
        Integer stepIndex,
        String templateId,
        String subject,
        String body,
        Map<String, String> context,
        Instant emittedAt,
        Instant statusAt,
        String statusDetail,
        String lastCommandId,
        RecurrencePolicy.Occurrence occurrence,
        boolean windowExempt) {

    public ScheduledTask {
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    /** A new pending first attempt. */
    public static ScheduledTask pending(String taskId, String tenantId, String leadId, TaskReason source, Channel channel,
            Instant anchorAt, Instant dueAt, String bookingId, String templateId, Map<String, String> context) {
        return new ScheduledTask(taskId, tenantId, leadId, source, channel, TaskStatus.PENDING, anchorAt, dueAt, dueAt, 1,
                bookingId, null, null, templateId, null, null, context, null, anchorAt, null, null, null, false);
    }

    /** A new pending step of a sequence enrollment; its template, subject and body come from the step. */
    public static ScheduledTask sequenceStep(String taskId, String tenantId, String leadId, String sequenceId,
            int stepIndex, Channel channel, Instant anchorAt, Instant dueAt, String templateId, String subject,
            String body) {
        return new ScheduledTask(taskId, tenantId, leadId, TaskReason.SEQUENCE, channel, TaskStatus.PENDING, anchorAt,
                dueAt, dueAt, 1, null, sequenceId, stepIndex, templateId, subject, body, Map.of(), null, anchorAt, null,
                null, null, false);
    }

    /**
     * A new pending occurrence of recurring step {@code stepIndex}, due at {@code dueAt}; its template context carries
     * {@code occurrence} (the local date-time) and {@code occurrenceNumber}.
     */
    public static ScheduledTask ofOccurrence(String taskId, String tenantId, String leadId, String sequenceId,
            int stepIndex, Channel channel, Instant anchorAt, RecurrencePolicy.Occurrence occurrence, Instant dueAt,
            boolean windowExempt, String templateId, String subject, String body) {
        return new ScheduledTask(taskId, tenantId, leadId, TaskReason.SEQUENCE, channel, TaskStatus.PENDING, anchorAt,
                dueAt, dueAt, 1, null, sequenceId, stepIndex, templateId, subject, body,
                Map.of("occurrence", occurrence.key(), "occurrenceNumber", Integer.toString(occurrence.number())),
                null, anchorAt, null, null, occurrence, windowExempt);
    }

    /** The reason an emission carries: the source, or RETRY for a later attempt. */
    public TaskReason emittedReason() {
        return attempt > 1 ? TaskReason.RETRY : source;
    }

    public ScheduledTask withStatus(TaskStatus newStatus, Instant at, String detail) {
        return new ScheduledTask(taskId, tenantId, leadId, source, channel, newStatus, anchorAt, originalDueAt, dueAt,
                attempt, bookingId, sequenceId, stepIndex, templateId, subject, body, context, emittedAt, at, detail,
                lastCommandId, occurrence, windowExempt);
    }

    /** The same task with the attempt a receipt reported (the executor's retries count up from the emitted one). */
    public ScheduledTask withAttempt(int newAttempt) {
        return newAttempt == attempt ? this : new ScheduledTask(taskId, tenantId, leadId, source, channel, status,
                anchorAt, originalDueAt, dueAt, newAttempt, bookingId, sequenceId, stepIndex, templateId, subject, body,
                context, emittedAt, statusAt, statusDetail, lastCommandId, occurrence, windowExempt);
    }

    /** How the status detail of every deferral (send window, quota) starts. */
    public static final String DEFERRED = "deferred";

    /** Whether the task is waiting because the quota gate or the send window deferred it. */
    public boolean wasDeferred() {
        return statusDetail != null && statusDetail.startsWith(DEFERRED);
    }

    public ScheduledTask emitted(Instant at) {
        return new ScheduledTask(taskId, tenantId, leadId, source, channel, TaskStatus.EMITTED, anchorAt, originalDueAt,
                dueAt, attempt, bookingId, sequenceId, stepIndex, templateId, subject, body, context, at, at, null,
                lastCommandId, occurrence, windowExempt);
    }

    /** The same task moved: new anchor and due times, back to PENDING (a reschedule or a re-armed cancel). */
    public ScheduledTask rescheduled(Instant newAnchorAt, Instant newOriginalDueAt, Instant newDueAt,
            Map<String, String> newContext, Instant at) {
        return new ScheduledTask(taskId, tenantId, leadId, source, channel, TaskStatus.PENDING, newAnchorAt,
                newOriginalDueAt, newDueAt, attempt, bookingId, sequenceId, stepIndex, templateId, subject, body,
                newContext, null, at, null, lastCommandId, occurrence, windowExempt);
    }

    /** The next attempt of a FAILED/DEAD task, due at {@code dueAt}. */
    public ScheduledTask nextAttempt(Instant newDueAt, Instant at, String commandId) {
        return new ScheduledTask(taskId, tenantId, leadId, source, channel, TaskStatus.PENDING, anchorAt, originalDueAt,
                newDueAt, attempt + 1, bookingId, sequenceId, stepIndex, templateId, subject, body, context, null, at,
                null, commandId, occurrence, windowExempt);
    }

    /** The task without anything personal (a manual note lives in the context): for erased leads. */
    public ScheduledTask withoutPersonalData() {
        return new ScheduledTask(taskId, tenantId, leadId, source, channel, status, anchorAt, originalDueAt, dueAt,
                attempt, bookingId, sequenceId, stepIndex, templateId, null, null, Map.of(), emittedAt, statusAt,
                statusDetail, lastCommandId, occurrence, windowExempt);
    }
}
