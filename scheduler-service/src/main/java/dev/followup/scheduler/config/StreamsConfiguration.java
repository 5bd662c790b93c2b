package dev.followup.scheduler.config;

import dev.followup.scheduler.topology.DeadLetterHandler;
import dev.followup.scheduler.topology.SchedulerEvents;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of the scheduler, in one place (the Spring app and the integration tests use it). */
public final class StreamsConfiguration {

    private StreamsConfiguration() {
    }

    public static Properties of(SchedulerProperties props, String bootstrapServers, String applicationServer,
            SchedulerEvents events) {
        return of(java.util.Map.of(), props, bootstrapServers, applicationServer, events);
    }

    /**
     * As {@link #of(SchedulerProperties, String, String, SchedulerEvents)} on top of {@code clientSettings}: the
     * connection settings Spring Boot builds from {@code spring.kafka.*} (security protocol, SASL, SSL,
     * {@code spring.kafka.properties.*}, {@code spring.kafka.streams.properties.*}), so a secured cluster works.
     */
    public static Properties of(java.util.Map<String, Object> clientSettings, SchedulerProperties props,
            String bootstrapServers, String applicationServer, SchedulerEvents events) {
        Properties p = new Properties();
        p.putAll(clientSettings);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, props.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, props.stateDir());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, props.numStreamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, props.standbyReplicas());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, props.commitInterval().toMillis());
        if (applicationServer != null && !applicationServer.isBlank()) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(DeadLetterHandler.EVENTS_CONFIG, events);
        // a task reads several topics (lead events, bookings, commands, receipts); with the default (0) it waits for
        // the lag of each empty one before processing the others, and Kafka Streams 4.2 formats a log line for every
        // such check (~10% of the stream thread under load). The topics come from independent producers, so there is
        // no order between them to wait for: process what is buffered. spring.kafka.streams.properties overrides it.
        p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // with no input, a stream thread blocks in poll for poll.ms (default 100) before it punctuates again: a
        // backlog of due timers (more than max-emits-per-tick) then drained in steps of 100 ms idle, and a timer came
        // due up to 100 ms before its punctuation could run. Input still returns from poll at once.
        p.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, 10L);
        // failover: a killed instance leaves the group after the session timeout, and until then the rebalance its
        // restart starts holds the survivors' commits, so their open transactions near Kafka Streams' EOS
        // transaction timeout (10 s) and get fenced. 10 s instead of the client default 45 s keeps a kill cheap.
        p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        p.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbCompression.class);
        // each fired timer costs an output record and two changelog writes: batch and compress them (uncompressed, a
        // burst drained no faster: the broker then writes and the observer reads twice the bytes)
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        return p;
    }
}
