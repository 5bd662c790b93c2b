package dev.followup.scheduler.policy;

/** Lifecycle of a lead's enrollment in a sequence, as the enrollments store and the query API show it. */
public enum EnrollmentStatus {
    /** A step is scheduled (pending or held) or emitted and waiting for its receipt. */
    ACTIVE,
    /** The last step's receipt arrived (DRAFTED, SENT or SKIPPED). */
    COMPLETED,
    /** Ended by a stop rule: the lead engaged, opted out or was erased, a cancel, a disabled or deleted sequence. */
    STOPPED,
    /** A step's receipt was FAILED or DEAD. */
    FAILED;

    public boolean isActive() {
        return this == ACTIVE;
    }
}
