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

    /**
     * Whether the task reached an end (canceled, or an outcome the executor reported): what retention purges once it
     * has been so for {@code followup.scheduler.retention.tasks}. A canceled task may be re-armed by a later event and
     * a failed or dead one retried: retention checks the status again when it comes to purge.
     */
    public boolean isTerminal() {
        return this == CANCELED || this == DRAFTED || this == SENT || this == SKIPPED || this == FAILED || this == DEAD;
    }

    /** Whether a {@code RetryTask} command may schedule another attempt. */
    public boolean isRetryable() {
        return this == FAILED || this == DEAD;
    }
}
