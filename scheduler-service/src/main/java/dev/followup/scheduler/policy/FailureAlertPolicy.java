package dev.followup.scheduler.policy;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.Receipt;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Failure alerts: {@code failureAlertThreshold} consecutive FAILED or DEAD receipts of a tenant (in the order the
 * scheduler reads them, across all its leads and channels) raise one {@code FAILURE_THRESHOLD} alert. A DRAFTED or
 * SENT receipt ends the streak; SKIPPED (sending not enabled) is neither a failure nor a success and changes nothing.
 * One alert per streak: the next one needs a success first. The alert id is derived from the tenant and the receipt
 * that reached the threshold, so a replay raises no second alert. A threshold below 1 turns the alert off. Each task
 * outcome counts once: the lead-keyed side does not pass on a SENT receipt for a task that was DRAFTED (a person sent
 * the draft; its success was counted at DRAFTED), so it neither counts twice nor ends a later streak.
 */
public final class FailureAlertPolicy {

    private FailureAlertPolicy() {
    }

    /** A tenant's current streak of failures, whether it was alerted, and the last receipt counted (duplicates). */
    public record Streak(int failures, boolean alerted, String lastReceiptId) {

        public static final Streak NONE = new Streak(0, false, null);
    }

    /** The streak after a receipt, and the alert it raises, if any. */
    public record Outcome(Streak streak, Optional<Alert> alert) {
    }

    public static Outcome onReceipt(Streak streak, Receipt receipt, int threshold, Instant now) {
        Streak s = streak == null ? Streak.NONE : streak;
        if (receipt.getReceiptId().equals(s.lastReceiptId())) {
            return new Outcome(s, Optional.empty());
        }
        return switch (receipt.getStatus()) {
            // no streak to end: the streak stays as it is (no store write for the common case)
            case DRAFTED, SENT -> new Outcome(s.failures() == 0 && !s.alerted() ? s
                    : new Streak(0, false, receipt.getReceiptId()), Optional.empty());
            case SKIPPED -> new Outcome(new Streak(s.failures(), s.alerted(), receipt.getReceiptId()), Optional.empty());
            case FAILED, DEAD -> {
                int failures = s.failures() + 1;
                boolean raise = threshold >= 1 && failures >= threshold && !s.alerted();
                yield new Outcome(new Streak(failures, s.alerted() || raise, receipt.getReceiptId()),
                        raise ? Optional.of(alert(receipt, failures, threshold, now)) : Optional.empty());
            }
        };
    }

    /** The alert id of the streak that {@code receiptId} brought to the threshold. */
    public static String alertId(String tenantId, String receiptId) {
        return "ft-" + TaskIds.hash("failure-threshold", tenantId, receiptId);
    }

    private static Alert alert(Receipt receipt, int failures, int threshold, Instant now) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("threshold", Integer.toString(threshold));
        details.put("consecutiveFailures", Integer.toString(failures));
        details.put("taskId", receipt.getTaskId());
        details.put("channel", receipt.getChannel().name());
        details.put("status", receipt.getStatus().name());
        details.put("provider", receipt.getProvider());
        if (receipt.getError() != null) {
            // executors never put contact data in errors (Receipt contract); keep alerts small
            String error = receipt.getError();
            details.put("error", error.length() > 200 ? error.substring(0, 200) + "…" : error);
        }
        return Alert.newBuilder().setAlertId(alertId(receipt.getTenantId(), receipt.getReceiptId()))
                .setTenantId(receipt.getTenantId()).setKind(AlertKind.FAILURE_THRESHOLD).setAt(now)
                .setDetails(details).build();
    }
}
