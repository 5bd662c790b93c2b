package dev.followup.scheduler.topology;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import java.time.Instant;
import java.util.List;

/**
 * Tasks of one tenant that came due in one punctuation of one partition, asking the tenant's quota gate whether they
 * may fire now, in due order. One record per tenant and tick (not per task) keeps the round trip cheap. No contact
 * data: the due-time engine builds the due tasks itself once the gate agrees.
 *
 * @param partition the requesting partition, where the answer must go back ({@link GateDecision})
 */
public record GateRequest(String tenantId, int partition, List<Item> tasks) {

    /**
     * One task.
     *
     * @param dueAt        and {@code attempt}: which arming of the task this is (an answer for another one is ignored)
     * @param leadTimezone the lead's IANA zone, for the send window (null: the tenant's)
     * @param windowExempt the task runs at its own time whatever the send window (a recurring step's occurrence)
     */
    public record Item(String taskId, String leadId, Channel channel, TaskReason source, Instant dueAt, int attempt,
            String leadTimezone, boolean windowExempt) {
    }
}
