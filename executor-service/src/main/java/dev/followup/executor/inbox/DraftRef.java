package dev.followup.executor.inbox;

import java.time.Instant;
import java.time.ZoneId;

/**
 * An email draft the executor made, as the draft index remembers it: enough to name the lead of a reply, a bounce or
 * an out-of-office answer, and to write the task's {@code SENT} receipt. No contact data.
 *
 * @param zone the lead's time zone when the task had one, else null
 */
public record DraftRef(String tenantId, String leadId, String taskId, Instant dueAt, Instant emittedAt, int attempt,
        ZoneId zone) {

    /** {@code leadId;taskId;dueAt;emittedAt;attempt;zone}: identifiers never contain {@code ;}. */
    String encode() {
        return leadId + ";" + taskId + ";" + dueAt.toEpochMilli() + ";" + emittedAt.toEpochMilli() + ";" + attempt + ";"
                + (zone == null ? "" : zone.getId());
    }

    /** The reference {@link #encode} wrote, or null when the value is not one. */
    static DraftRef decode(String tenantId, String value) {
        if (value == null) {
            return null;
        }
        String[] f = value.split(";", -1);
        if (f.length != 6) {
            return null;
        }
        try {
            ZoneId zone = f[5].isEmpty() ? null : ZoneId.of(f[5]);
            return new DraftRef(tenantId, f[0], f[1], Instant.ofEpochMilli(Long.parseLong(f[2])),
                    Instant.ofEpochMilli(Long.parseLong(f[3])), Integer.parseInt(f[4]), zone);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
