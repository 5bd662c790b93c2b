package dev.followup.scheduler.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic task ids: the same input always yields the same id, so a re-delivered or duplicated event
 * never creates a second task. A prefix names the source, then 32 hex digits of SHA-256 over the parts
 * (within the contract identifier alphabet and length).
 *
 * <p>Booking ids leave the start out on purpose: a reschedule moves the same task instead of creating one.
 */
public final class TaskIds {

    private TaskIds() {
    }

    /** Lead-score follow-up number {@code index} (0-based position in the tenant's leadFollowUps). */
    public static String leadScore(String tenantId, String leadId, int index) {
        return "ls-" + hash("lead-score", tenantId, leadId, Integer.toString(index));
    }

    /** Booking follow-up number {@code index} (0-based position in the tenant's bookingFollowUps). */
    public static String booking(String tenantId, String leadId, String bookingId, int index) {
        return "bk-" + hash("booking", tenantId, leadId, bookingId, Integer.toString(index));
    }

    /** Step {@code stepIndex} of the lead's enrollment number {@code enrollment} (1-based) in a sequence. */
    public static String sequenceStep(String tenantId, String leadId, String sequenceId, int enrollment, int stepIndex) {
        return "sq-" + hash("sequence", tenantId, leadId, sequenceId, Integer.toString(enrollment),
                Integer.toString(stepIndex));
    }

    /**
     * The occurrence of recurring step {@code stepIndex} at local date-time {@code occurrence} (see
     * {@link RecurrencePolicy.Occurrence#key()}) in the lead's enrollment number {@code enrollment} in a sequence.
     */
    public static String occurrence(String tenantId, String leadId, String sequenceId, int enrollment, int stepIndex,
            String occurrence) {
        return "rc-" + hash("occurrence", tenantId, leadId, sequenceId, Integer.toString(enrollment),
                Integer.toString(stepIndex), occurrence);
    }

    /** The manual task of a ScheduleTask command. */
    public static String manual(String tenantId, String commandId) {
        return "mt-" + hash("manual", tenantId, commandId);
    }

    /** 32 hex digits of SHA-256 over the parts (each followed by a zero byte, so parts cannot run together). */
    static String hash(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            byte[] digest = sha.digest();
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
