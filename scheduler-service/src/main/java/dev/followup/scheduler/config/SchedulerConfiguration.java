package dev.followup.scheduler.config;

import dev.followup.scheduler.topology.SchedulerTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.common.utils.Bytes;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring of the scheduler: Kafka Streams, metrics, health, the clock. */
@Configuration(proxyBeanMethods = false)
public class SchedulerConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SchedulerMetrics schedulerMetrics(MeterRegistry registry) {
        return new SchedulerMetrics(registry);
    }

    @Bean
    SchedulerStreams schedulerStreams(SchedulerProperties props, SchedulerMetrics metrics,
            org.springframework.boot.kafka.autoconfigure.KafkaProperties kafka,
            @Value("${spring.kafka.bootstrap-servers:localhost:9092}") String bootstrapServers,
            @Value("${server.port:8081}") int serverPort) {
        String applicationServer = props.applicationServer() == null || props.applicationServer().isBlank()
                ? "localhost:" + serverPort : props.applicationServer();
        return new SchedulerStreams(kafka.buildStreamsProperties(), props, bootstrapServers, applicationServer, metrics);
    }

    @Bean
    KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(SchedulerStreams streams) {
        return new KafkaStreamsHealthIndicator(streams);
    }

    @Bean
    MeterBinder kafkaStreamsClientMetrics(SchedulerStreams streams) {
        return new KafkaStreamsMetrics(streams.kafkaStreams());
    }

    /** Pending timers on this instance: RocksDB's estimate of the due-index entries of its active partitions. */
    @Bean
    MeterBinder pendingTimers(SchedulerStreams streams) {
        return registry -> Gauge.builder("followup.scheduler.timers.pending", () -> {
            KafkaStreams ks = streams.kafkaStreams();
            if (ks.state() != KafkaStreams.State.RUNNING) {
                return Double.NaN;
            }
            try {
                ReadOnlyKeyValueStore<Bytes, byte[]> index = ks.store(StoreQueryParameters.fromNameAndType(
                        SchedulerTopology.DUE_INDEX_STORE, QueryableStoreTypes.keyValueStore()));
                return (double) index.approximateNumEntries();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description("Pending timers (approximate) in this instance's due index").register(registry);
    }
}
