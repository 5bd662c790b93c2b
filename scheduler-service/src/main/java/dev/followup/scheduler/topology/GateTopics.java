package dev.followup.scheduler.topology;

import java.util.List;

/**
 * The scheduler's own topics between its lead-keyed and tenant-keyed parts (operational, not contract). Named after
 * the Kafka Streams application id like Streams' internal topics, so two scheduler deployments on one cluster never
 * share them; the scheduler creates them at startup with the partition count of the lead topics
 * ({@code config.GateTopicProvisioning}).
 *
 * @param requests  tasks that came due, keyed {@code tenantId}, to the quota gate ({@link GateRequest})
 * @param receipts  receipts re-keyed by {@code tenantId}, to the failure alerts ({@code Receipt})
 * @param decisions the gate's answers, to the partition that asked ({@link GateDecision}); co-partitioned with the
 *                  lead topics
 */
public record GateTopics(String requests, String receipts, String decisions) {

    public static GateTopics of(String applicationId) {
        return new GateTopics(applicationId + "-quota-gate-repartition",
                applicationId + "-receipts-by-tenant-repartition",
                applicationId + "-quota-decisions-repartition");
    }

    public List<String> all() {
        return List.of(requests, receipts, decisions);
    }
}
