package dev.followup.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerMetricsTest {

    @Test
    void theFiringLagOfAnyDueTimeIsRecordedAndCountsAtMostADay() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        Instant now = Instant.parse("2026-11-23T00:00:00Z");

        metrics.taskEmitted(Channel.SMS, Duration.between(Instant.parse("1900-01-01T00:00:00Z"), now));
        // 1600 is more than Long.MAX_VALUE nanoseconds ago: the emission must not fail on it
        metrics.taskEmitted(Channel.SMS, Duration.between(Instant.parse("1600-01-01T00:00:00Z"), now));
        metrics.taskEmitted(Channel.SMS, Duration.ofMillis(-5));

        Timer lag = registry.get("followup.scheduler.firing.lag").timer();
        assertThat(lag.count()).isEqualTo(3);
        assertThat(lag.max(TimeUnit.SECONDS)).as("at most a day").isEqualTo(86_400.0);
        assertThat(lag.totalTime(TimeUnit.SECONDS)).as("the sum does not overflow").isEqualTo(2 * 86_400.0);
        assertThat(registry.get("followup.scheduler.tasks.emitted").tag("channel", "sms").counter().count())
                .isEqualTo(3);
    }
}
