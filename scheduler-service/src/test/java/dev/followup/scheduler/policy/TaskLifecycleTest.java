package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    private static ScheduledTask failed(Channel channel) {
        return ScheduledTask.pending("ls-1", "acme", "lead-1", TaskReason.LEAD_SCORE, channel, T0, T0, null, null,
                Map.of()).withStatus(TaskStatus.FAILED, T0, "webhook answered 400");
    }

    @Test
    void aRetryOfALeadThatOptedOutIsBlocked() {
        assertThat(TaskLifecycle.retryBlocked(failed(Channel.SMS), LeadProfile.UNKNOWN.optOut())).isTrue();
    }

    @Test
    void aRetryOfAnErasedLeadIsBlocked() {
        assertThat(TaskLifecycle.retryBlocked(failed(Channel.CALL), LeadProfile.UNKNOWN.erase())).isTrue();
    }

    @Test
    void aBouncedAddressBlocksAnEmailRetryButNotAnSmsOne() {
        LeadProfile bounced = LeadProfile.UNKNOWN.bounceEmail();
        assertThat(TaskLifecycle.retryBlocked(failed(Channel.EMAIL), bounced)).isTrue();
        assertThat(TaskLifecycle.retryBlocked(failed(Channel.SMS), bounced)).isFalse();
    }

    @Test
    void aRetryOfALeadWithoutABlockGoesOn() {
        assertThat(TaskLifecycle.retryBlocked(failed(Channel.EMAIL), LeadProfile.UNKNOWN)).isFalse();
        assertThat(TaskLifecycle.retry(failed(Channel.EMAIL), null, T0, "cmd-1"))
                .hasValueSatisfying(t -> assertThat(t.attempt()).isEqualTo(2));
    }

    @Test
    void anUnknownTaskIsNotBlockedButIgnored() {
        assertThat(TaskLifecycle.retryBlocked(null, LeadProfile.UNKNOWN.optOut())).isFalse();
        assertThat(TaskLifecycle.retry(null, null, T0, "cmd-1")).isEmpty();
    }

    private static ScheduledTask drafted(int attempt) {
        return ScheduledTask.pending("sq-1", "acme", "lead-1", TaskReason.SEQUENCE, Channel.EMAIL, T0, T0, null, null,
                Map.of()).withAttempt(attempt).emitted(T0).withStatus(TaskStatus.DRAFTED, T0.plusSeconds(5), null);
    }

    @Test
    void aSentReceiptForADraftedTaskIsAPersonSendingItWhateverItsAttempt() {
        Instant sentAt = T0.plusSeconds(3600);
        assertThat(TaskLifecycle.sentByPerson(drafted(2), ReceiptStatus.SENT)).isTrue();
        assertThat(TaskLifecycle.onReceipt(drafted(2), ReceiptStatus.SENT, 1, sentAt, null)).hasValueSatisfying(t -> {
            assertThat(t.status()).isEqualTo(TaskStatus.SENT);
            assertThat(t.statusDetail()).isEqualTo("sent by a person");
            assertThat(t.statusAt()).as("retention counts from the sending").isEqualTo(sentAt);
            assertThat(t.attempt()).isEqualTo(2);
        });
        assertThat(TaskLifecycle.sentByPerson(drafted(1), ReceiptStatus.DRAFTED)).isFalse();
        assertThat(TaskLifecycle.sentByPerson(failed(Channel.EMAIL), ReceiptStatus.SENT)).isFalse();
        assertThat(TaskLifecycle.sentByPerson(null, ReceiptStatus.SENT)).isFalse();
    }

    @Test
    void nothingComesAfterSent() {
        ScheduledTask sent = TaskLifecycle.onReceipt(drafted(1), ReceiptStatus.SENT, 1, T0.plusSeconds(60), null)
                .orElseThrow();
        assertThat(TaskLifecycle.afterSent(sent)).isTrue();
        assertThat(TaskLifecycle.onReceipt(sent, ReceiptStatus.DRAFTED, 1, T0.plusSeconds(90), null)).isEmpty();
        assertThat(TaskLifecycle.onReceipt(sent, ReceiptStatus.SENT, 1, T0.plusSeconds(90), null)).isEmpty();
        assertThat(TaskLifecycle.onReceipt(sent, ReceiptStatus.FAILED, 2, T0.plusSeconds(90), "x")).isEmpty();
    }
}
