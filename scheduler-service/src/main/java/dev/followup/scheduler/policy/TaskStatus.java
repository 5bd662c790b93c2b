package dev.followup.scheduler.policy;

/** Lifecycle of a scheduled task, as the tasks store and the query API show it. */
public enum TaskStatus {
    /** Waiting in the due index. */
    PENDING,
    /** Held by a pause (PauseFollowUps); not in the due index until ResumeFollowUps. */
    HELD,
    /** Emitted to its due-task topic; waiting for the executor's receipt. */
    EMITTED,
    CANCELED,
    DRAFTED,
    SENT,
    SKIPPED,
    /** Permanent failure reported by the executor; an operator may retry it. */
    FAILED,
    /** Retries exhausted in the executor; an operator may retry it. */
    DEAD;

    /** Whether the task still waits to fire (a cancel or a reschedule applies to it). */
    public boolean isOpen() {
        return this == PENDING || this == HELD;
    }

    /** Whether a {@code RetryTask} command may schedule another attempt. */
    public boolean isRetryable() {
        return this == FAILED || this == DEAD;
    }
}
