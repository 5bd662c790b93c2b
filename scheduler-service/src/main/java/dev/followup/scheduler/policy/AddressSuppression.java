package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A tenant's suppression list: the addresses of leads that opted out ({@code LeadEngaged{OPTED_OUT}}, from the
 * unsubscribe link or the API), so a later lead of the same tenant with that address gets no email. An address is
 * kept only as {@code tenantId:} + 64 hex digits of SHA-256 over the tenant id, a zero byte and the address trimmed
 * and lower-cased: no address in clear, and the same address of two tenants has two unrelated keys. Only email is
 * suppressed; SMS and calls of the same lead go on.
 *
 * <p>An email task of a suppressed address is still planned (a sequence keeps its shape and timing) but, when it
 * comes due, it is not emitted: it ends SKIPPED with {@value #REASON}, and the scheduler publishes that SKIPPED
 * receipt itself, as the executor does for an opted-out lead.
 */
public final class AddressSuppression {

    /** The status detail and receipt error of a suppressed email task. */
    public static final String REASON = "address unsubscribed";
    /** The receipt's provider: the scheduler decided, no executor saw the task. */
    public static final String PROVIDER = "scheduler";

    private AddressSuppression() {
    }

    /** What a suppression entry holds: when the address was first suppressed. */
    public record Entry(Instant since) {
    }

    /** The address as it is compared: trimmed and lower-cased (the local part too: mailboxes rarely differ by case). */
    public static String normalise(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    /** The suppression list's key of {@code address} in {@code tenantId}, or null for a lead without an address. */
    public static String key(String tenantId, String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tenantId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return tenantId + ":" + HexFormat.of().formatHex(
                    sha.digest(normalise(address).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code key} has the form of a suppression list key ({@code tenantId:} + 64 lower-case hex digits). */
    public static boolean isKey(String key) {
        int colon = key == null ? -1 : key.lastIndexOf(':');
        if (colon < 1 || key.length() - colon - 1 != 64
                || !dev.followup.events.Identifiers.isValid(key.substring(0, colon))) {
            return false;
        }
        for (int i = colon + 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Whether the list applies to a task of {@code channel}: email only. */
    public static boolean applies(Channel channel) {
        return channel == Channel.EMAIL;
    }

    /** The SKIPPED receipt of {@code task}, suppressed when it came due at {@code now}. */
    public static Receipt skipped(ScheduledTask task, Instant now) {
        return Receipt.newBuilder()
                .setReceiptId(task.taskId() + "-" + task.attempt() + ":suppressed")
                .setTaskId(task.taskId())
                .setTenantId(task.tenantId())
                .setLeadId(task.leadId())
                .setChannel(task.channel())
                .setStatus(ReceiptStatus.SKIPPED)
                .setProvider(PROVIDER)
                .setAttempt(task.attempt())
                .setDueAt(task.dueAt())
                .setEmittedAt(now)
                .setCompletedAt(now)
                .setLatencyMs(Duration.between(task.dueAt(), now).toMillis())
                .setError(REASON)
                .build();
    }
}
