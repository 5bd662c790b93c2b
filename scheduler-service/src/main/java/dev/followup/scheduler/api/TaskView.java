package dev.followup.scheduler.api;

import dev.followup.scheduler.policy.ScheduledTask;
import java.time.Instant;
import java.util.Map;

/** A task as {@code GET /v1/tasks/{taskId}} and {@code GET /v1/leads/{leadId}/tasks} show it. Times are ISO-8601 UTC. */
public record TaskView(
        String taskId,
        String tenantId,
        String leadId,
        String status,
        String channel,
        String source,
        int attempt,
        String dueAt,
        String originalDueAt,
        String emittedAt,
        String statusAt,
        String statusDetail,
        String bookingId,
        String sequenceId,
        Integer stepIndex,
        String templateId,
        Map<String, String> context) {

    static TaskView of(ScheduledTask t) {
        return new TaskView(t.taskId(), t.tenantId(), t.leadId(), t.status().name(), t.channel().name(),
                t.source().name(), t.attempt(), text(t.dueAt()), text(t.originalDueAt()), text(t.emittedAt()),
                text(t.statusAt()), t.statusDetail(), t.bookingId(), t.sequenceId(), t.stepIndex(), t.templateId(),
                t.context());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
