package dev.followup.ingest.publish;

import dev.followup.events.serde.AvroSerializer;
import dev.followup.ingest.config.IngestProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The one Kafka producer of the service: idempotent, {@code acks=all}, and bounded in time. A send waits for the
 * broker's acknowledgement; when none arrives within {@code followup.ingest.publish-timeout} (metadata wait, buffer
 * wait and delivery together) it throws {@link BrokerUnavailableException}, which the API turns into a 503.
 *
 * <p>Records are serialized before anything is handed to the producer, so an encoding problem never leaves a
 * request half-published.
 */
public class EventPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final Producer<String, byte[]> producer;
    private final Duration timeout;
    private final MeterRegistry meters;
    private final Map<Class<?>, AvroSerializer<SpecificRecord>> serializers = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    public EventPublisher(Map<String, Object> kafkaProducerProperties, IngestProperties properties, MeterRegistry meters) {
        this.timeout = properties.publishTimeout();
        this.meters = meters;
        this.producer = new KafkaProducer<>(producerConfig(kafkaProducerProperties, timeout),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** The producer settings: the application's {@code spring.kafka.*} ones, then the guarantees this class needs. */
    static Map<String, Object> producerConfig(Map<String, Object> base, Duration timeout) {
        Map<String, Object> config = new java.util.HashMap<>(base);
        long bound = Math.max(1_000, timeout.toMillis());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, bound);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) bound);
        // delivery.timeout.ms must be >= linger.ms + request.timeout.ms
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) bound + 1);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "followup-ingest");
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }

    /** Publishes one record and waits for the acknowledgement. */
    public Published publish(Outbound record) {
        return publishAll(List.of(record)).get(0);
    }

    /**
     * Publishes records in order and waits for every acknowledgement. Each record is acknowledged on its own: if the
     * broker fails midway, earlier records may have landed (the batch endpoint reports which; derived ids make a
     * retry harmless for the scheduler).
     */
    public List<Published> publishAll(List<Outbound> records) {
        List<byte[]> values = new ArrayList<>(records.size());
        for (Outbound r : records) {
            values.add(serialize(r.topic(), r.value()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long started = System.nanoTime();
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        try {
            for (int i = 0; i < records.size(); i++) {
                Outbound r = records.get(i);
                futures.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), values.get(i))));
            }
            List<Published> out = new ArrayList<>(records.size());
            for (int i = 0; i < futures.size(); i++) {
                long left = Math.max(1, deadline - System.nanoTime());
                RecordMetadata md = futures.get(i).get(left, TimeUnit.NANOSECONDS);
                Outbound r = records.get(i);
                out.add(new Published(r.eventId(), md.topic(), md.partition(), md.offset()));
                timer(r.topic()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                counter(r.topic()).increment();
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        } catch (TimeoutException | KafkaException e) {
            throw unavailable(e);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        }
    }

    private BrokerUnavailableException unavailable(Throwable cause) {
        log.atWarn().setMessage("publish.failed").addKeyValue("error", cause.getClass().getSimpleName())
                .addKeyValue("timeoutMs", timeout.toMillis()).log();
        return new BrokerUnavailableException("Kafka did not acknowledge within " + timeout.toMillis() + " ms", cause);
    }

    private byte[] serialize(String topic, SpecificRecord value) {
        if (value == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        AvroSerializer<SpecificRecord> serializer = serializers.computeIfAbsent(value.getClass(),
                c -> new AvroSerializer<>((Class<SpecificRecord>) c));
        return serializer.serialize(topic, value);
    }

    private Timer timer(String topic) {
        return latency.computeIfAbsent(topic, t -> Timer.builder("followup.ingest.publish.latency")
                .description("Time from send to the broker's acknowledgement")
                .tag("topic", t)
                .publishPercentileHistogram()
                .register(meters));
    }

    private Counter counter(String topic) {
        return published.computeIfAbsent(topic, t -> Counter.builder("followup.ingest.published")
                .description("Records acknowledged by the broker")
                .tag("topic", t)
                .register(meters));
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(5));
    }
}
