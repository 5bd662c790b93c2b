package dev.followup.scheduler.config;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code kafkaStreams} health, part of the readiness group: DOWN until Kafka Streams first reaches RUNNING, then UP
 * while it runs or rebalances; DOWN once it errs or shuts down.
 */
public class KafkaStreamsHealthIndicator implements HealthIndicator {

    private final SchedulerStreams streams;

    public KafkaStreamsHealthIndicator(SchedulerStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = streams.kafkaStreams().state();
        boolean up = state == KafkaStreams.State.RUNNING
                || (state == KafkaStreams.State.REBALANCING && streams.hasBeenRunning());
        return (up ? Health.up() : Health.down()).withDetail("state", state.name()).build();
    }
}
