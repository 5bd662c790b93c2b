package dev.followup.scheduler.config;

import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.Channel;
import dev.followup.scheduler.topology.SchedulerEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Micrometer view of what the topology does: {@code followup.scheduler.tasks.emitted} and {@code .canceled}
 * by channel, {@code followup.scheduler.tasks.deferred} by channel and reason ({@code send_window},
 * {@code quota_day}, {@code quota_minute}), {@code followup.scheduler.alerts} by kind,
 * {@code followup.scheduler.firing.lag} (emittedAt - dueAt, a histogram, at most a day), {@code followup.scheduler.dlq} by
 * source topic, {@code followup.scheduler.tenant-settings.rejected} by reason and
 * {@code followup.scheduler.sequences.rejected} (records of the global tables that were skipped) and
 * {@code followup.scheduler.purged} by store (entries retention deleted) and {@code followup.scheduler.tasks.capped} by
 * channel (planned tasks not created: the lead had {@code max-open-tasks-per-lead} open tasks),
 * {@code followup.scheduler.addresses.suppressed} (addresses put on a tenant's suppression list),
 * {@code followup.scheduler.tasks.suppressed} by channel (due tasks skipped for a suppressed address) and
 * {@code followup.scheduler.index-backfill.tasks} (tasks of an earlier version's state given their queue counts and
 * lead-index layout, once after an upgrade).
 */
public class SchedulerMetrics implements SchedulerEvents {

    private static final Duration MAX_LAG = Duration.ofDays(1);

    private final MeterRegistry registry;
    private final Map<Channel, Counter> emitted = new EnumMap<>(Channel.class);
    private final Map<Channel, Counter> canceled = new EnumMap<>(Channel.class);
    private final Timer firingLag;

    public SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Channel channel : Channel.values()) {
            String tag = channel.name().toLowerCase(java.util.Locale.ROOT);
            emitted.put(channel, Counter.builder("followup.scheduler.tasks.emitted").tag("channel", tag)
                    .description("Due tasks emitted").register(registry));
            canceled.put(channel, Counter.builder("followup.scheduler.tasks.canceled").tag("channel", tag)
                    .description("Pending tasks canceled").register(registry));
        }
        for (AlertKind kind : AlertKind.values()) {
            Counter.builder("followup.scheduler.alerts").tag("kind", kind.name())
                    .description("Alerts raised on followup.alerts.v1").register(registry);
        }
        for (String reason : new String[] {"invalid_key", "key_mismatch"}) {
            Counter.builder("followup.scheduler.tenant-settings.rejected").tag("reason", reason)
                    .description("Tenant-settings records skipped (never applied)").register(registry);
        }
        Counter.builder("followup.scheduler.sequences.rejected")
                .description("Sequence definitions skipped (the last good one stays)").register(registry);
        firingLag = Timer.builder("followup.scheduler.firing.lag")
                .description("emittedAt - dueAt of emitted tasks")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    @Override
    public void tasksBackfilled(int count) {
        if (count > 0) {
            registry.counter("followup.scheduler.index-backfill.tasks").increment(count);
        }
    }

    @Override
    public void taskEmitted(Channel channel, Duration lag) {
        emitted.get(channel).increment();
        // a due time far in the past (a backfill, a typo like 1900) says nothing more about the scheduler after a
        // day, and the timer sums nanoseconds: a few centuries-old lags would overflow that sum (or throw)
        firingLag.record(lag.isNegative() ? Duration.ZERO : lag.compareTo(MAX_LAG) > 0 ? MAX_LAG : lag);
    }

    @Override
    public void taskCanceled(Channel channel) {
        canceled.get(channel).increment();
    }

    @Override
    public void taskDeferred(Channel channel, String reason) {
        registry.counter("followup.scheduler.tasks.deferred", "channel", channel.name().toLowerCase(java.util.Locale.ROOT),
                "reason", reason).increment();
    }

    @Override
    public void alertRaised(AlertKind kind) {
        registry.counter("followup.scheduler.alerts", "kind", kind.name()).increment();
    }

    @Override
    public void deadLettered(String sourceTopic) {
        registry.counter("followup.scheduler.dlq", "topic", sourceTopic).increment();
    }

    @Override
    public void tenantSettingsRejected(String reason) {
        registry.counter("followup.scheduler.tenant-settings.rejected", "reason", reason).increment();
    }

    @Override
    public void purged(String store, int count) {
        registry.counter("followup.scheduler.purged", "store", store).increment(count);
    }

    @Override
    public void taskCapped(Channel channel) {
        registry.counter("followup.scheduler.tasks.capped", "channel", channel.name().toLowerCase(java.util.Locale.ROOT))
                .increment();
    }

    @Override
    public void sequenceDefinitionRejected() {
        registry.counter("followup.scheduler.sequences.rejected").increment();
    }

    @Override
    public void addressSuppressed() {
        registry.counter("followup.scheduler.addresses.suppressed").increment();
    }

    @Override
    public void taskSuppressed(Channel channel) {
        registry.counter("followup.scheduler.tasks.suppressed", "channel",
                channel.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }
}
