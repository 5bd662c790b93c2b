package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
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
}
