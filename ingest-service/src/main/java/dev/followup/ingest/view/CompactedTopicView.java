package dev.followup.ingest.view;

import dev.followup.events.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A local materialized view of a compacted topic: the latest value per key, read from the beginning by a consumer
 * without a group (every instance reads every partition). A tombstone removes the key; an undecodable record is
 * skipped and logged. GETs answer from here, never from memory of past requests.
 *
 * <p>{@link #awaitWritten} gives read-your-writes for this instance: a GET waits (bounded) until the view has
 * consumed past the offsets this instance last published to the topic.
 */
public class CompactedTopicView<V extends SpecificRecord> implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    private final String topic;
    private final Class<V> type;
    private final Map<String, Object> consumerProperties;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final Map<Integer, Long> consumed = new ConcurrentHashMap<>();
    private final Map<Integer, Long> written = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    public CompactedTopicView(String topic, Class<V> type, Map<String, Object> consumerProperties) {
        this.topic = topic;
        this.type = type;
        Map<String, Object> config = new HashMap<>(consumerProperties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "followup-ingest-view-" + topic);
        this.consumerProperties = config;
    }

    public Optional<V> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Every value whose key starts with {@code prefix}. */
    public List<V> withKeyPrefix(String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
    }

    /** Notes that this instance published to {@code topic} (if it is this view's) at {@code offset}. */
    public void written(String topic, int partition, long offset) {
        if (this.topic.equals(topic)) {
            written.merge(partition, offset, Math::max);
        }
    }

    public String topic() {
        return topic;
    }

    /** Waits up to {@code timeout} until the view has consumed everything this instance published; false if not. */
    public boolean awaitWritten(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!caughtUp()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private boolean caughtUp() {
        return written.entrySet().stream().allMatch(e -> consumed.getOrDefault(e.getKey(), -1L) > e.getValue());
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "view-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        AvroDeserializer<V> deserializer = new AvroDeserializer<>(type);
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                c.assign(partitions);
                c.seekToBeginning(partitions);
                log.atInfo().setMessage("view.started").addKeyValue("topic", topic)
                        .addKeyValue("partitions", partitions.size()).log();
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        apply(r, deserializer);
                    }
                    for (TopicPartition tp : partitions) {
                        consumed.put(tp.partition(), c.position(tp, Duration.ofSeconds(5)));
                    }
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                }
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                if (running) {
                    log.atWarn().setMessage("view.restarting").addKeyValue("topic", topic)
                            .addKeyValue("error", e.getClass().getSimpleName()).log();
                    values.clear();
                    consumed.clear();
                    pause();
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r, AvroDeserializer<V> deserializer) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            values.remove(r.key());
            return;
        }
        try {
            values.put(r.key(), deserializer.deserialize(r.topic(), r.value()));
        } catch (SerializationException e) {
            log.atWarn().setMessage("view.skipped").addKeyValue("topic", r.topic())
                    .addKeyValue("partition", r.partition()).addKeyValue("offset", r.offset())
                    .addKeyValue("error", e.getMessage()).log();
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
