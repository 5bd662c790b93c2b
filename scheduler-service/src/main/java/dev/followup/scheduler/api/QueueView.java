package dev.followup.scheduler.api;

import java.util.Map;

/**
 * {@code GET /v1/queue}: the caller tenant's pending tasks across all instances.
 *
 * @param pending   pending tasks by channel (EMAIL, SMS, CALL)
 * @param nextDueAt the earliest pending due time, or null
 * @param overdue   pending tasks already due (waiting for the next punctuation, or a backlog)
 * @param asOf      when the numbers were taken
 * @param deferred  pending tasks deferred by a quota (counted in {@code pending} too)
 */
public record QueueView(String tenantId, Map<String, Long> pending, String nextDueAt, long overdue, String asOf,
        long deferred) {
}
