package dev.followup.executor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.ChannelSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy defaults = new RetryPolicy(5, Duration.ofSeconds(1));

    @Test
    void backoffDoublesFromTheInitialDelay() {
        assertThat(defaults.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.backoffAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(defaults.backoffAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(defaults.backoffAfter(5)).isEqualTo(Duration.ofSeconds(16));
    }

    @Test
    void fiveAttemptsMeanFourRetries() {
        assertThat(defaults.allowsRetryAfter(1, 1)).isTrue();
        assertThat(defaults.allowsRetryAfter(4, 1)).isTrue();
        assertThat(defaults.allowsRetryAfter(5, 1)).isFalse();
    }

    @Test
    void anOperatorRetryStartsAFreshSetOfTriesFromItsAttempt() {
        // re-emitted with attempt 6 after a DEAD: attempts 6..10
        assertThat(defaults.allowsRetryAfter(6, 6)).isTrue();
        assertThat(defaults.allowsRetryAfter(10, 6)).isFalse();
        Instant failedAt = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(defaults.nextTryAt(failedAt, 7, 6)).isEqualTo(failedAt.plusSeconds(2));
    }

    @Test
    void aHugeBackoffIsCappedAtADay() {
        assertThat(new RetryPolicy(100, Duration.ofHours(1)).backoffAfter(60)).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void tenantChannelSettingsWinOverTheChannelDefaults() {
        ChannelSettings tenant = ChannelSettings.newBuilder().setMaxAttempts(3).setInitialBackoff("30s").build();
        assertThat(RetryPolicy.of(tenant, 5, Duration.ofMillis(100)))
                .isEqualTo(new RetryPolicy(3, Duration.ofSeconds(30)));
        assertThat(RetryPolicy.of(null, 5, Duration.ofMillis(100)))
                .isEqualTo(new RetryPolicy(5, Duration.ofMillis(100)));
    }

    @Test
    void anUnparsableTenantBackoffNamesTheField() {
        ChannelSettings tenant = ChannelSettings.newBuilder().setInitialBackoff("soon").build();
        assertThatThrownBy(() -> RetryPolicy.of(tenant, 5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff").hasMessageContaining("soon");
    }
}
