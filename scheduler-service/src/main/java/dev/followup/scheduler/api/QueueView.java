package dev.followup.scheduler.api;

import java.util.Map;

/**
 * {@code GET /v1/queue}: the caller tenant's pending tasks across all instances.
 *
 * @param pending   pending tasks by channel (EMAIL, SMS, CALL)
 * @param nextDueAt the earliest pending due time, or null
 * @param overdue   pending tasks already due (waiting for the next punctuation, or a backlog)
 * @param asOf      when the numbers were taken
 * @param deferred  pending tasks deferred by a quota or the send window (counted in {@code pending} too)
 * @param overdueCapped whether {@code overdue} stopped counting at {@link
 *                  dev.followup.scheduler.topology.QueueSummary#OVERDUE_SCAN_LIMIT} on some partition: a backlog, at
 *                  least that many
 */
public record QueueView(String tenantId, Map<String, Long> pending, String nextDueAt, long overdue, String asOf,
        long deferred, boolean overdueCapped) {
}
