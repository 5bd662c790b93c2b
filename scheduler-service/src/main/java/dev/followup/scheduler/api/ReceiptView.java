package dev.followup.scheduler.api;

import dev.followup.scheduler.topology.JourneyEntry;

/**
 * One receipt as {@code GET /v1/receipts} lists it. Times are ISO-8601 UTC.
 *
 * @param firingLagMs emittedAt − dueAt of the attempt
 * @param latencyMs   completedAt − dueAt (as the receipt reports it)
 * @param retryable   whether {@code POST /v1/tasks/{taskId}/retry} applies (FAILED or DEAD)
 */
public record ReceiptView(String completedAt, String leadId, String taskId, String channel, String status,
        Integer attempt, String dueAt, Long firingLagMs, Long latencyMs, String provider, String providerRef,
        String link, String error, boolean retryable) {

    static ReceiptView of(String leadId, JourneyEntry e) {
        return new ReceiptView(e.at().toString(), leadId, e.taskId(), e.channel(), e.status(), e.attempt(),
                e.dueAt() == null ? null : e.dueAt().toString(), e.lagMs(), e.latencyMs(), e.provider(),
                e.providerRef(), e.link(), e.detail(), "FAILED".equals(e.status()) || "DEAD".equals(e.status()));
    }

    boolean failed() {
        return retryable;
    }
}
