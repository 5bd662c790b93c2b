package dev.followup.scheduler.policy;

import dev.followup.events.v1.TenantSettings;
import java.time.Instant;

/**
 * The seam where send windows, working days and quotas (next issue) move a task's due time: it maps the
 * policy's due time to the time the task may fire. Today it is the identity.
 */
@FunctionalInterface
public interface DueTimeAdjuster {

    DueTimeAdjuster NONE = (task, settings, leadTimezone) -> task.originalDueAt();

    /** The instant {@code task} may fire, never before {@code task.originalDueAt()}. */
    Instant adjust(ScheduledTask task, TenantSettings settings, String leadTimezone);
}
