package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import java.time.Instant;
import java.util.Map;

/**
 * What the scheduler knows about a lead: the contact snapshot of its latest {@code LeadCaptured} (for due tasks),
 * whether new tasks are blocked, and since when its tasks are held by a pause ({@code pausedAt}, null when not
 * paused), until when ({@code pausedUntil}, null: until a {@code ResumeFollowUps}) and why ({@code pauseReason}, e.g.
 * {@code out_of_office}; null for a person's pause). Erasure drops the contact data and keeps only the block and pause.
 */
public record LeadProfile(
        String name,
        String email,
        String phone,
        String timezone,
        Map<String, String> attributes,
        boolean optedOut,
        boolean emailBounced,
        boolean erased,
        Instant pausedAt,
        Instant pausedUntil,
        String pauseReason) {

    public LeadProfile {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static final LeadProfile UNKNOWN = new LeadProfile(null, null, null, null, Map.of(), false, false, false, null,
            null, null);

    /** The profile with a new contact snapshot (blocks are kept: an erased or opted-out lead stays blocked). */
    public LeadProfile withContact(String newName, String newEmail, String newPhone, String newTimezone,
            Map<String, String> newAttributes) {
        if (erased) {
            return this;
        }
        return new LeadProfile(newName, newEmail, newPhone, newTimezone, newAttributes, optedOut, emailBounced, false,
                pausedAt, pausedUntil, pauseReason);
    }

    public LeadProfile optOut() {
        return new LeadProfile(name, email, phone, timezone, attributes, true, emailBounced, erased, pausedAt,
                pausedUntil, pauseReason);
    }

    public LeadProfile bounceEmail() {
        return new LeadProfile(name, email, phone, timezone, attributes, optedOut, true, erased, pausedAt,
                pausedUntil, pauseReason);
    }

    /** Forgets every contact detail; the lead stays blocked. */
    public LeadProfile erase() {
        return new LeadProfile(null, null, null, null, Map.of(), optedOut, emailBounced, true, pausedAt, pausedUntil,
                pauseReason);
    }

    /**
     * What outlives retention of an inactive lead: its blocks and pause without any contact data (a suppression
     * entry, so a later task for the lead is still blocked or held), or null when there is nothing to keep.
     */
    public LeadProfile suppressionOnly() {
        if (!optedOut && !emailBounced && !erased && pausedAt == null) {
            return null;
        }
        return new LeadProfile(null, null, null, null, Map.of(), optedOut, emailBounced, erased, pausedAt, pausedUntil,
                pauseReason);
    }

    /** The profile paused since {@code at} without an end, or resumed when {@code at} is null. */
    public LeadProfile pausedSince(Instant at) {
        return pausedSince(at, null, null);
    }

    /** The profile paused since {@code at} until {@code until} (null: no end) for {@code reason}; null at: resumed. */
    public LeadProfile pausedSince(Instant at, Instant until, String reason) {
        return new LeadProfile(name, email, phone, timezone, attributes, optedOut, emailBounced, erased, at,
                at == null ? null : until, at == null ? null : reason);
    }

    /** Whether the lead's tasks are held. */
    public boolean paused() {
        return pausedAt != null;
    }

    /** Whether no new task of {@code channel} may be created (and pending ones are canceled). */
    public boolean blocks(Channel channel) {
        return erased || optedOut || (emailBounced && channel == Channel.EMAIL);
    }
}
