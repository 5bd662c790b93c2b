package dev.followup.scheduler.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * Pause rules: {@code PauseFollowUps} holds every pending task of the lead (HELD tasks are out of the due index
 * and never fire) and every task planned for it while paused; {@code ResumeFollowUps} makes them pending again at
 * their due time, so overdue ones fire at the next punctuation. Pausing a paused lead or resuming one that is not
 * paused changes nothing. A held task can still be canceled or rescheduled.
 */
public final class PausePolicy {

    private PausePolicy() {
    }

    /** The profile paused at {@code issuedAt}, or empty if it already is. */
    public static Optional<LeadProfile> pause(LeadProfile profile, Instant issuedAt) {
        return profile.paused() ? Optional.empty() : Optional.of(profile.pausedSince(issuedAt));
    }

    /** The profile resumed, or empty if it is not paused. */
    public static Optional<LeadProfile> resume(LeadProfile profile) {
        return profile.paused() ? Optional.of(profile.pausedSince(null)) : Optional.empty();
    }

    /** The task as it is stored for a lead with {@code profile}: a pending task of a paused lead is held (at {@code at}). */
    public static ScheduledTask hold(LeadProfile profile, ScheduledTask task, Instant at) {
        if (!profile.paused() || task.status() != TaskStatus.PENDING) {
            return task;
        }
        return task.withStatus(TaskStatus.HELD, at, "lead paused since " + profile.pausedAt());
    }

    /** A held task released at {@code at}: pending again, due when it was. */
    public static Optional<ScheduledTask> release(ScheduledTask task, Instant at) {
        return task.status() == TaskStatus.HELD ? Optional.of(task.withStatus(TaskStatus.PENDING, at, null))
                : Optional.empty();
    }
}
