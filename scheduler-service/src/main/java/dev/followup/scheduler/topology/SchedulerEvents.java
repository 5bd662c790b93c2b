package dev.followup.scheduler.topology;

import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.Channel;
import java.time.Duration;

/** What the topology reports to the outside (metrics); the Spring app passes a Micrometer implementation. */
public interface SchedulerEvents {

    SchedulerEvents NONE = new SchedulerEvents() {
    };

    default void taskEmitted(Channel channel, Duration firingLag) {
    }

    default void taskCanceled(Channel channel) {
    }

    /**
     * A due task was held back by the quota gate.
     *
     * @param reason {@code send_window}, {@code quota_day} or {@code quota_minute}
     */
    default void taskDeferred(Channel channel, String reason) {
    }

    default void alertRaised(AlertKind kind) {
    }

    default void deadLettered(String sourceTopic) {
    }

    /**
     * A tenant-settings record was skipped (it never reaches the global store).
     *
     * @param reason {@code invalid_key} or {@code key_mismatch}
     */
    default void tenantSettingsRejected(String reason) {
    }

    /**
     * Retention deleted {@code count} entries of store {@code store} (a profile shrunk to its suppression entry
     * counts as one of {@value SchedulerTopology#LEAD_PROFILES_STORE}).
     */
    default void purged(String store, int count) {
    }

    /** A task a policy planned was not created: its lead has {@code max-open-tasks-per-lead} open tasks. */
    default void taskCapped(Channel channel) {
    }

    /** The one-off walk that gives older state its queue counts and lead-index layout visited {@code count} tasks. */
    default void tasksBackfilled(int count) {
    }

    /** A sequence definition was skipped (wrong key, invalid step template id): the last good one stays. */
    default void sequenceDefinitionRejected() {
    }

    /** An address went onto its tenant's suppression list (a lead opted out). */
    default void addressSuppressed() {
    }

    /** A task came due for a suppressed address and was skipped instead of emitted. */
    default void taskSuppressed(Channel channel) {
    }
}
