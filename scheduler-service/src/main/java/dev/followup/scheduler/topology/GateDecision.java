package dev.followup.scheduler.topology;

import java.time.Instant;
import java.util.List;

/**
 * The quota gate's answers to one {@link GateRequest}, in the same order, routed back to the requesting partition.
 */
public record GateDecision(String tenantId, int partition, List<Item> tasks) {

    /**
     * Fire now ({@code deferUntil == null}; the task was counted) or wait until {@code deferUntil} ({@code reason}
     * says why, e.g. {@code maxTasksPerDay 400 reached}).
     */
    public record Item(String taskId, Instant dueAt, int attempt, Instant deferUntil, String reason) {

        static Item go(GateRequest.Item request) {
            return new Item(request.taskId(), request.dueAt(), request.attempt(), null, null);
        }

        static Item defer(GateRequest.Item request, Instant until, String reason) {
            return new Item(request.taskId(), request.dueAt(), request.attempt(), until, reason);
        }
    }
}
