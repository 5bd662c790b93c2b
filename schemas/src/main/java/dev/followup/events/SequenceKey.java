package dev.followup.events;

/** The key of {@code followup.sequences.v1}: {@code tenantId:sequenceId}. */
public record SequenceKey(String tenantId, String sequenceId) {

    public SequenceKey {
        Identifiers.require("tenantId", tenantId);
        Identifiers.require("sequenceId", sequenceId);
    }

    public static SequenceKey of(String tenantId, String sequenceId) {
        return new SequenceKey(tenantId, sequenceId);
    }

    /** Parses {@code tenantId:sequenceId}; throws {@link IllegalArgumentException} naming the key if malformed. */
    public static SequenceKey parse(String key) {
        String[] parts = ScopedKeys.split("sequence key", key);
        return new SequenceKey(parts[0], parts[1]);
    }

    @Override
    public String toString() {
        return tenantId + ScopedKeys.SEPARATOR + sequenceId;
    }
}
