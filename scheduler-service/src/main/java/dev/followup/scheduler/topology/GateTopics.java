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
 * @param suppressions the tenants' suppression lists ({@link AddressSuppressions}): compacted and never deleted by
 *                  time, the changelog of a global store; not part of the gate, but the scheduler's own like the others
 */
public record GateTopics(String requests, String receipts, String decisions, String suppressions) {

    public static GateTopics of(String applicationId) {
        return new GateTopics(applicationId + "-quota-gate-repartition",
                applicationId + "-receipts-by-tenant-repartition",
                applicationId + "-quota-decisions-repartition",
                applicationId + "-address-suppressions");
    }

    public List<String> all() {
        return List.of(requests, receipts, decisions, suppressions);
    }
}
