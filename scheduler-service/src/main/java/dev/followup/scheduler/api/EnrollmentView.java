package dev.followup.scheduler.api;

import dev.followup.scheduler.policy.Enrollment;
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
        String statusDetail) {

    static EnrollmentView of(Enrollment e) {
        return new EnrollmentView(e.tenantId(), e.leadId(), e.sequenceId(), e.number(), e.status().name(),
                e.commandId(), text(e.startedAt()), e.step(), e.taskId(), text(e.statusAt()), e.statusDetail());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
