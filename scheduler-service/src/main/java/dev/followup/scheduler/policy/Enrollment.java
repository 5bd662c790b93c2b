package dev.followup.scheduler.policy;

import java.time.Instant;

/**
 * One run of a lead through a sequence (the enrollments store value and the query API's view). At most one step is
 * in flight at a time: step n+1 is scheduled only when step n's receipt arrives.
 *
 * @param number       1 for the lead's first enrollment in this sequence, n + 1 for one started after the n-th ended
 *                     (part of the step task ids, so a new enrollment never collides with an old one's tasks)
 * @param commandId    the {@code EnrollInSequence} command that started it
 * @param startedAt    where step 0's delay counts from: the command's {@code startAt}, else its {@code issuedAt}
 * @param step         index of the current step (scheduled, or emitted and waiting for its receipt); null if none
 * @param taskId       the current step's task
 * @param statusAt     when the status (or the current step) was reached
 * @param statusDetail why it ended (a stop reason, a failed step's error), never contact data
 * @param occurrence   when the current step is recurring: its current occurrence (pending, or the last one emitted)
 * @param remaining    when the current step is recurring: occurrences not yet emitted, the pending one included
 *                     (0 once the last one is out); null when unbounded or too many to count
 */
public record Enrollment(
        String tenantId,
        String leadId,
        String sequenceId,
        int number,
        EnrollmentStatus status,
        String commandId,
        Instant startedAt,
        Integer step,
        String taskId,
        Instant statusAt,
        String statusDetail,
        RecurrencePolicy.Occurrence occurrence,
        Integer remaining) {

    /** A new active enrollment with no step yet. */
    public static Enrollment started(String tenantId, String leadId, String sequenceId, int number, String commandId,
            Instant startedAt, Instant at) {
        return new Enrollment(tenantId, leadId, sequenceId, number, EnrollmentStatus.ACTIVE, commandId, startedAt, null,
                null, at, null, null, null);
    }

    public boolean isActive() {
        return status.isActive();
    }

    /** Active, with step {@code index} (task {@code stepTaskId}) in flight since {@code at}. */
    public Enrollment atStep(int index, String stepTaskId, Instant at) {
        return new Enrollment(tenantId, leadId, sequenceId, number, EnrollmentStatus.ACTIVE, commandId, startedAt, index,
                stepTaskId, at, null, null, null);
    }

    /** Active, at occurrence {@code current} (task {@code occurrenceTaskId}) of recurring step {@code index}. */
    public Enrollment atOccurrence(int index, String occurrenceTaskId, RecurrencePolicy.Occurrence current,
            Integer remainingOccurrences, Instant at) {
        return new Enrollment(tenantId, leadId, sequenceId, number, EnrollmentStatus.ACTIVE, commandId, startedAt, index,
                occurrenceTaskId, at, null, current, remainingOccurrences);
    }

    /** The current occurrence was the last one: active, waiting for its receipt. */
    public Enrollment afterLastOccurrence(Instant at) {
        return new Enrollment(tenantId, leadId, sequenceId, number, EnrollmentStatus.ACTIVE, commandId, startedAt, step,
                taskId, at, null, occurrence, 0);
    }

    /** Ended with {@code newStatus} at {@code at}; the last step stays visible. */
    public Enrollment ended(EnrollmentStatus newStatus, Instant at, String detail) {
        return new Enrollment(tenantId, leadId, sequenceId, number, newStatus, commandId, startedAt, step, taskId, at,
                detail, occurrence, occurrence == null ? null : Integer.valueOf(0));
    }
}
