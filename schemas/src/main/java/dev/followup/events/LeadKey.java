package dev.followup.events;

/**
 * The key of every lead-scoped topic, {@code tenantId:leadId}: all events, tasks and receipts of one lead
 * land in the same partition, in order.
 */
public record LeadKey(String tenantId, String leadId) {

    public LeadKey {
        Identifiers.require("tenantId", tenantId);
        Identifiers.require("leadId", leadId);
    }

    public static LeadKey of(String tenantId, String leadId) {
        return new LeadKey(tenantId, leadId);
    }

    /**
     * Parses {@code tenantId:leadId}.
     *
     * @throws IllegalArgumentException naming the key if it is not of that form or an id is invalid
     */
    public static LeadKey parse(String key) {
        String[] parts = ScopedKeys.split("lead key", key);
        return new LeadKey(parts[0], parts[1]);
    }

    @Override
    public String toString() {
        return tenantId + ScopedKeys.SEPARATOR + leadId;
    }
}
