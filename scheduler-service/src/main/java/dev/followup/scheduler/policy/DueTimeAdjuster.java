package dev.followup.scheduler.policy;

import dev.followup.events.v1.TenantSettings;
import java.time.Instant;

/**
 * The seam where a task's planned due time becomes the time it may fire, when it is planned: the scheduler uses
 * {@link SendWindowPolicy#ADJUSTER} (working days and send windows). Quotas cannot be known in advance; the quota
 * gate applies them when the task comes due.
 */
@FunctionalInterface
public interface DueTimeAdjuster {

    /** No adjustment: tasks fire at the policy's due time. */
    DueTimeAdjuster NONE = (task, settings, leadTimezone) -> task.originalDueAt();

    /** The instant {@code task} may fire, never before {@code task.originalDueAt()}. */
    Instant adjust(ScheduledTask task, TenantSettings settings, String leadTimezone);
}
