package dev.followup.executor.inbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One watched folder's transactional producer: the records of a batch of messages and the folder's new position
 * ({@link InboxTopics#POSITIONS}, key = the folder's key) are committed in one Kafka transaction, so after a crash
 * either both are there or neither. Its {@code transactional.id} is fixed per folder
 * ({@code followup-executor-inbox-<folder key>}): a second watcher of the same folder fences the first, and each reads
 * the position again after {@link #open}, so none publishes from a stale one.
 */
final class InboxPublisher implements AutoCloseable {

    private final String positionKey;
    private final Map<String, Object> consumerConfig;
    private final KafkaProducer<String, byte[]> producer;

    InboxPublisher(String positionKey, Map<String, Object> baseProducerConfig, Map<String, Object> baseConsumerConfig) {
        this.positionKey = positionKey;
        Map<String, Object> p = new HashMap<>(baseProducerConfig);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalIdOf(positionKey));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalIdOf(positionKey));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>(baseConsumerConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalIdOf(positionKey) + "-position");
        this.consumerConfig = c;
    }

    static String transactionalIdOf(String positionKey) {
        return "followup-executor-inbox-" + positionKey.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Fences earlier producers of this folder and answers its committed position (null when it has none). */
    String open() {
        producer.initTransactions();
        return readPosition();
    }

    /** The records and the new position, in one transaction. */
    void publish(List<ProducerRecord<String, byte[]>> records, String position) {
        producer.beginTransaction();
        try {
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r);
            }
            producer.send(new ProducerRecord<>(InboxTopics.POSITIONS, positionKey,
                    position.getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // fenced or broken: the watcher starts again with a new publisher
            }
            throw e;
        }
    }

    /** The latest committed position of the folder: the whole (small, compacted) topic is read to its end. */
    private String readPosition() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(InboxTopics.POSITIONS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(InboxTopics.POSITIONS, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + InboxTopics.POSITIONS + " has no partitions (not created yet?)");
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            String position = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + InboxTopics.POSITIONS + " took longer than 30 s");
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (positionKey.equals(r.key())) {
                        position = r.value();
                    }
                }
            }
            return position;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
