package dev.followup.scheduler.api;

import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Instant;

/**
 * A lead's latest enrollment in one sequence, as {@code GET /v1/leads/{leadId}/enrollments} shows it. Times are
 * ISO-8601 UTC.
 *
 * @param enrollment   1 for the first enrollment of the lead in the sequence, n + 1 for a re-enrollment
 * @param status       ACTIVE, COMPLETED, STOPPED or FAILED
 * @param step         index of the current (or last) step, null if none was scheduled
 * @param taskId       that step's task ({@code GET /v1/tasks/{taskId}})
 * @param statusDetail why it stopped or failed
 * @param nextDueAt    when the current step (or occurrence) fires while it is pending or held; null once emitted
 * @param occurrence   for a recurring step: the number of its current occurrence (1, 2, ...)
 * @param occurrenceAt for a recurring step: that occurrence's local date-time in the lead's (else the tenant's) zone
 * @param remaining    for a recurring step: occurrences not yet emitted, the pending one included; null when the
 *                     schedule has no end (or more than 10,000 remain)
 */
public record EnrollmentView(
        String tenantId,
        String leadId,
        String sequenceId,
        int enrollment,
        String status,
        String commandId,
        String startedAt,
        Integer step,
        String taskId,
        String statusAt,
        String statusDetail,
        String nextDueAt,
        Integer occurrence,
        String occurrenceAt,
        Integer remaining) {

    /** The view of {@code e} whose current step's task is {@code current} (null if unknown). */
    static EnrollmentView of(Enrollment e, ScheduledTask current) {
        String nextDueAt = e.isActive() && current != null
                && (current.status() == TaskStatus.PENDING || current.status() == TaskStatus.HELD)
                ? text(current.dueAt()) : null;
        return new EnrollmentView(e.tenantId(), e.leadId(), e.sequenceId(), e.number(), e.status().name(),
                e.commandId(), text(e.startedAt()), e.step(), e.taskId(), text(e.statusAt()), e.statusDetail(),
                nextDueAt, e.occurrence() == null ? null : e.occurrence().number(),
                e.occurrence() == null ? null : e.occurrence().key(), e.remaining());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
