package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.scheduler.policy.FailureAlertPolicy.Outcome;
import dev.followup.scheduler.policy.FailureAlertPolicy.Streak;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureAlertPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-03T10:00:00Z");

    private static Receipt receipt(int n, ReceiptStatus status) {
        return Receipt.newBuilder().setReceiptId("r-" + n).setTaskId("t-" + n).setTenantId("acme").setLeadId("lead-" + n)
                .setChannel(Channel.SMS).setStatus(status).setProvider("webhook").setAttempt(1).setDueAt(NOW)
                .setEmittedAt(NOW).setCompletedAt(NOW).setLatencyMs(0)
                .setError(status == ReceiptStatus.FAILED ? "webhook answered 410" : null).build();
    }

    /** The receipt numbers that raised an alert. */
    private static List<Integer> alertsFor(int threshold, ReceiptStatus... statuses) {
        Streak streak = Streak.NONE;
        List<Integer> alerted = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            Outcome outcome = FailureAlertPolicy.onReceipt(streak, receipt(i, statuses[i]), threshold, NOW);
            streak = outcome.streak();
            if (outcome.alert().isPresent()) {
                alerted.add(i);
            }
        }
        return alerted;
    }

    @Test
    void twoConsecutiveFailuresRaiseOneAlert() {
        assertThat(alertsFor(2, ReceiptStatus.FAILED, ReceiptStatus.DEAD)).containsExactly(1);
    }

    @Test
    void aSuccessInBetweenResetsTheStreak() {
        assertThat(alertsFor(2, ReceiptStatus.FAILED, ReceiptStatus.DRAFTED, ReceiptStatus.FAILED)).isEmpty();
        assertThat(alertsFor(2, ReceiptStatus.FAILED, ReceiptStatus.SENT, ReceiptStatus.FAILED)).isEmpty();
    }

    @Test
    void oneAlertPerStreakAndANewStreakAfterASuccessAlertsAgain() {
        assertThat(alertsFor(2, ReceiptStatus.FAILED, ReceiptStatus.FAILED, ReceiptStatus.DEAD, ReceiptStatus.FAILED,
                ReceiptStatus.DRAFTED, ReceiptStatus.FAILED, ReceiptStatus.FAILED)).containsExactly(1, 6);
    }

    @Test
    void skippedCountsNeitherAsFailureNorAsSuccess() {
        assertThat(alertsFor(2, ReceiptStatus.FAILED, ReceiptStatus.SKIPPED, ReceiptStatus.FAILED)).containsExactly(2);
        assertThat(alertsFor(2, ReceiptStatus.SKIPPED, ReceiptStatus.SKIPPED)).isEmpty();
    }

    @Test
    void aThresholdBelowOneTurnsTheAlertOff() {
        assertThat(alertsFor(0, ReceiptStatus.FAILED, ReceiptStatus.FAILED, ReceiptStatus.FAILED)).isEmpty();
    }

    @Test
    void aDuplicatedReceiptIsCountedOnce() {
        Outcome first = FailureAlertPolicy.onReceipt(Streak.NONE, receipt(1, ReceiptStatus.FAILED), 2, NOW);
        Outcome again = FailureAlertPolicy.onReceipt(first.streak(), receipt(1, ReceiptStatus.FAILED), 2, NOW);
        assertThat(again.streak().failures()).isEqualTo(1);
        assertThat(again.alert()).isEmpty();
    }

    @Test
    void theAlertNamesTheStreakWithoutContactDataAndItsIdIsDeterministic() {
        Outcome first = FailureAlertPolicy.onReceipt(Streak.NONE, receipt(1, ReceiptStatus.FAILED), 2, NOW);
        Outcome second = FailureAlertPolicy.onReceipt(first.streak(), receipt(2, ReceiptStatus.DEAD), 2, NOW);
        assertThat(second.alert()).hasValueSatisfying(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.FAILURE_THRESHOLD);
            assertThat(a.getTenantId()).isEqualTo("acme");
            assertThat(a.getAlertId()).isEqualTo(FailureAlertPolicy.alertId("acme", "r-2"));
            assertThat(a.getDetails()).containsEntry("threshold", "2").containsEntry("consecutiveFailures", "2")
                    .containsEntry("taskId", "t-2").containsEntry("status", "DEAD").containsEntry("channel", "SMS");
        });
    }
}
