package dev.followup.testkit;

import static org.awaitility.Awaitility.await;

import dev.followup.events.TopicProvisioning;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A running test broker with the contract topics, and helpers to produce and read records with the project's
 * serdes. Reads use {@code read_committed}, so only what a transactional writer committed is seen.
 */
public final class TestKafka implements AutoCloseable {

    private static volatile TestKafka current;

    private final TestBroker broker;
    private final String bootstrapServers;
    private final int partitions;
    private final KafkaProducer<String, byte[]> producer;

    private TestKafka(TestBroker broker, String bootstrapServers, int partitions) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    static TestKafka start(TestBroker broker, int partitions) {
        String bootstrap = broker.start();
        TestKafka kafka = new TestKafka(broker, bootstrap, partitions);
        kafka.createContractTopics();
        current = kafka;
        return kafka;
    }

    /** The broker of the running test class. */
    public static TestKafka current() {
        TestKafka kafka = current;
        if (kafka == null) {
            throw new IllegalStateException("no test broker: annotate the test class with @WithKafka");
        }
        return kafka;
    }

    /** Bootstrap servers of the running test class's broker (for {@code @DynamicPropertySource}). */
    public static String bootstrap() {
        return current().bootstrapServers();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int partitions() {
        return partitions;
    }

    /** Creates the contract topics (and DLQs) that are missing, with the class's partition count. */
    private void createContractTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicProvisioning.provision(admin, partitions, (short) 1);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the contract topics", e);
        }
    }

    /** Producer settings for this broker (acks=all, idempotent), to build clients of your own. */
    public Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    /** Consumer settings for this broker: {@code read_committed}, from the earliest offset, no auto commit. */
    public Properties consumerProperties(String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /** Produces an Avro record (single-object encoding) and waits for the broker's acknowledgement. */
    public <T extends SpecificRecord> RecordMetadata send(String topic, String key, T value, Header... headers) {
        @SuppressWarnings("unchecked")
        Class<T> type = value == null ? null : (Class<T>) value.getClass();
        byte[] bytes = value == null ? null : new AvroSerializer<>(type).serialize(topic, value);
        return sendBytes(topic, key, bytes, headers);
    }

    /** Produces raw bytes (garbage, a foreign encoding, a tombstone) and waits for the acknowledgement. */
    public RecordMetadata sendBytes(String topic, String key, byte[] value, Header... headers) {
        try {
            return producer.send(new ProducerRecord<>(topic, null, key, value, List.of(headers))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /**
     * Waits (Awaitility, up to {@code timeout}) until {@code topic} holds at least {@code count} records of
     * {@code type} matching {@code filter}, and returns all the matching ones read so far, in partition order.
     */
    public <T extends SpecificRecord> List<ConsumerRecord<String, T>> awaitRecords(
            String topic, Class<T> type, Predicate<ConsumerRecord<String, T>> filter, int count, Duration timeout) {
        return awaitWith(topic, new SkippingDeserializer<>(new AvroDeserializer<>(type)), decodable(filter), count, timeout);
    }

    /** As {@link #awaitRecords(String, Class, Predicate, int, Duration)} with every record matching. */
    public <T extends SpecificRecord> List<ConsumerRecord<String, T>> awaitRecords(
            String topic, Class<T> type, int count, Duration timeout) {
        return awaitRecords(topic, type, r -> true, count, timeout);
    }

    /** Waits for {@code count} raw records (DLQ entries, say) matching {@code filter}. */
    public List<ConsumerRecord<String, byte[]>> awaitRawRecords(
            String topic, Predicate<ConsumerRecord<String, byte[]>> filter, int count, Duration timeout) {
        return awaitWith(topic, new ByteArrayDeserializer(), filter, count, timeout);
    }

    /**
     * Reads every committed record currently in {@code topic} (up to the last stable offset) that matches
     * {@code filter}: use it after an await to assert that nothing more, such as a duplicate, was written.
     */
    public <T extends SpecificRecord> List<ConsumerRecord<String, T>> readAll(
            String topic, Class<T> type, Predicate<ConsumerRecord<String, T>> filter) {
        Predicate<ConsumerRecord<String, T>> decodable = decodable(filter);
        try (KafkaConsumer<String, T> consumer = assignedConsumer(topic, new SkippingDeserializer<>(new AvroDeserializer<>(type)))) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<ConsumerRecord<String, T>> out = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (decodable.test(r)) {
                        out.add(r);
                    }
                });
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
            return out;
        }
    }

    private <T> List<ConsumerRecord<String, T>> awaitWith(String topic, Deserializer<T> deserializer,
            Predicate<ConsumerRecord<String, T>> filter, int count, Duration timeout) {
        try (KafkaConsumer<String, T> consumer = assignedConsumer(topic, deserializer)) {
            List<ConsumerRecord<String, T>> out = new ArrayList<>();
            await().alias(count + " record(s) on " + topic).atMost(timeout).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                            if (filter.test(r)) {
                                out.add(r);
                            }
                        });
                        return out.size() >= count;
                    });
            return out;
        }
    }

    /** Records that are not of the awaited type (poison, another schema) are skipped, not fatal. */
    private static <T> Predicate<ConsumerRecord<String, T>> decodable(Predicate<ConsumerRecord<String, T>> filter) {
        return r -> !SkippingDeserializer.isUndecodable(r) && filter.test(r);
    }

    private <T> KafkaConsumer<String, T> assignedConsumer(String topic, Deserializer<T> deserializer) {
        Properties props = consumerProperties("test-kit-" + UUID.randomUUID());
        KafkaConsumer<String, T> consumer = new KafkaConsumer<>(props, new StringDeserializer(), deserializer);
        List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }

    /** Header values as UTF-8 strings, by key (last one wins): for asserting DLQ error headers. */
    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> out = new HashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        if (current == this) {
            current = null;
        }
        producer.close(Duration.ofSeconds(5));
        broker.close();
    }
}
