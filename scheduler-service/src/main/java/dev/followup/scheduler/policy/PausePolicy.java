package dev.followup.scheduler.policy;

import dev.followup.events.Identifiers;
import java.time.Instant;
import java.util.Optional;

/**
 * Pause rules: {@code PauseFollowUps} holds every pending task of the lead (HELD tasks are out of the due index
 * and never fire) and every task planned for it while paused; {@code ResumeFollowUps} makes them pending again at
 * their due time, so overdue ones fire at the next punctuation. A held task can still be canceled or rescheduled.
 *
 * <p>A pause with {@code until} releases itself then, exactly like a resume issued at {@code until}. The rules when
 * pauses meet:
 * <ul>
 *   <li>a lead that is not paused: paused from {@code issuedAt}, until {@code until} or without an end;</li>
 *   <li>paused until U, a pause with until V: V replaces U, earlier or later (the latest word wins: an auto-reply
 *       read later knows the return date better); the same V changes nothing (a replay);</li>
 *   <li>paused until U, a pause without until: the pause loses its end (a person's hold outlasts an auto-reply);</li>
 *   <li>paused without an end, any pause: nothing changes (only a resume ends a person's hold; an auto-reply
 *       must not cut it short);</li>
 *   <li>a resume ends either kind at once; resuming a lead that is not paused changes nothing.</li>
 * </ul>
 * {@code until} must be after {@code issuedAt} and {@code reason} a short token such as {@code out_of_office}.
 */
public final class PausePolicy {

    /** The reason the mailbox watcher gives for an out-of-office auto-reply. */
    public static final String OUT_OF_OFFICE = "out_of_office";

    private PausePolicy() {
    }

    /** The profile paused at {@code issuedAt} without an end, or empty if it already is paused. */
    public static Optional<LeadProfile> pause(LeadProfile profile, Instant issuedAt) {
        return pause(profile, issuedAt, null, null);
    }

    /**
     * The profile after a {@code PauseFollowUps{until, reason}} issued at {@code issuedAt}, or empty if it does not
     * change (see the class comment).
     *
     * @throws InvalidInputException naming {@code until} or {@code reason} when one is invalid
     */
    public static Optional<LeadProfile> pause(LeadProfile profile, Instant issuedAt, Instant until, String reason) {
        if (until != null && !until.isAfter(issuedAt)) {
            throw new InvalidInputException("until " + until + " is not after issuedAt " + issuedAt);
        }
        if (reason != null && !Identifiers.isValid(reason)) {
            throw new InvalidInputException(Identifiers.describe("reason", reason));
        }
        if (!profile.paused()) {
            return Optional.of(profile.pausedSince(issuedAt, until, reason));
        }
        if (profile.pausedUntil() == null) {
            return Optional.empty();
        }
        if (until == null) {
            return Optional.of(profile.pausedSince(profile.pausedAt(), null, reason));
        }
        if (until.equals(profile.pausedUntil()) && java.util.Objects.equals(reason, profile.pauseReason())) {
            return Optional.empty();
        }
        return Optional.of(profile.pausedSince(profile.pausedAt(), until, reason));
    }

    /** The profile resumed, or empty if it is not paused. */
    public static Optional<LeadProfile> resume(LeadProfile profile) {
        return profile.paused() ? Optional.of(profile.pausedSince(null)) : Optional.empty();
    }

    /**
     * Whether a release that was due at {@code releaseAt} still applies: the lead is paused until exactly then (a
     * resume, a later pause without until or one with another until made it stale).
     */
    public static boolean releaseApplies(LeadProfile profile, Instant releaseAt) {
        return profile != null && profile.paused() && releaseAt.equals(profile.pausedUntil());
    }

    /**
     * The task as it is stored for a lead with {@code profile}: a pending task of a paused lead is held (at {@code at});
     * a held one gets the current pause's detail (its release time) if that changed.
     */
    public static ScheduledTask hold(LeadProfile profile, ScheduledTask task, Instant at) {
        if (!profile.paused()) {
            return task;
        }
        if (task.status() == TaskStatus.PENDING) {
            return task.withStatus(TaskStatus.HELD, at, detail(profile));
        }
        if (task.status() == TaskStatus.HELD && !detail(profile).equals(task.statusDetail())) {
            return task.withStatus(TaskStatus.HELD, task.statusAt(), detail(profile));
        }
        return task;
    }

    /** A held task released at {@code at}: pending again, due when it was. */
    public static Optional<ScheduledTask> release(ScheduledTask task, Instant at) {
        return task.status() == TaskStatus.HELD ? Optional.of(task.withStatus(TaskStatus.PENDING, at, null))
                : Optional.empty();
    }

    /** A held task's status detail: why, and until when (the query API's release time). */
    public static String detail(LeadProfile profile) {
        if (profile.pausedUntil() == null) {
            return "lead paused since " + profile.pausedAt();
        }
        return label(profile.pausedUntil(), profile.pauseReason());
    }

    /**
     * How the journey tells a pause: {@code paused}, {@code out of office until <instant>} (reason
     * {@value #OUT_OF_OFFICE}) or {@code paused until <instant>} (any other reason or none).
     */
    public static String label(Instant until, String reason) {
        if (until == null) {
            return "paused";
        }
        return (OUT_OF_OFFICE.equals(reason) ? "out of office until " : "paused until ") + until;
    }
}
