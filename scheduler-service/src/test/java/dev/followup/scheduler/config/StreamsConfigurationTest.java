package dev.followup.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.scheduler.topology.SchedulerEvents;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The scheduler's Kafka Streams defaults, and that the client settings a user gives win over them. */
class StreamsConfigurationTest {

    private final SchedulerProperties props = new SchedulerProperties("app", Duration.ofMillis(50), 2000, "state", 1, 0,
            "localhost:8081", Duration.ofMillis(100), Duration.ofSeconds(30), null, null, 200);

    @Test
    void failoverIdlingAndStorageDefaults() {
        Properties p = StreamsConfiguration.of(props, "broker:9092", "localhost:8081", SchedulerEvents.NONE);

        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(10_000);
        assertThat(p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(3_000);
        assertThat(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        assertThat(p.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(10L);
        assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(RocksDbCompression.class);
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
        // Kafka Streams hands them to the consumer that joins the group
        assertThat(new StreamsConfig(p).getMainConsumerConfigs("app", "app-1", 0))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    }

    @Test
    void settingsGivenThroughSpringKafkaWinOverTheDefaults() {
        Map<String, Object> client = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000,
                StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L, StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "my.Setter");

        Properties p = StreamsConfiguration.of(client, props, "broker:9092", "localhost:8081", SchedulerEvents.NONE);

        assertThat(p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(30_000);
        assertThat(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(0L);
        assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo("my.Setter");
    }
}
