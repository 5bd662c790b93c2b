package dev.followup.events.view;

import dev.followup.events.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * A local view of a compacted topic: the latest value per key, read from the beginning and followed by a consumer
 * of its own thread without a group (every instance reads every partition). A tombstone removes its key; a record
 * without a key, or one that does not decode, is skipped (the latter counted and logged); a {@link RecordFilter}
 * may reject records, which are then counted and reported to the {@link Listener}.
 *
 * <p>{@link #awaitCaughtUp} waits until everything present at start has been read; {@link #awaitWritten} gives
 * read-your-writes: it waits until the view has read past the offsets its service last published to the topic.
 *
 * <p>If the consumer fails, the view starts again from the beginning after a second. The values it holds keep
 * answering until the new read has caught up, then are replaced at once: a reader sees neither an empty view nor
 * keys deleted while it was down. {@link #current} is false from the failure until then, so a service can report
 * itself not ready meanwhile.
 *
 * <p>Plain Java: each service ties {@link #start} and {@link #stop} to its own lifecycle.
 */
public final class CompactedTopicView<V extends SpecificRecord> {

    /** Which records count. Checks run on the consumer thread. */
    public interface RecordFilter<V> {

        /** Why records under {@code key} (null for none) do not count, checked before decoding (tombstones too). */
        default String keyProblem(String key) {
            return null;
        }

        /** Why {@code value} does not count under {@code key}; null if it does. */
        default String valueProblem(String key, V value) {
            return null;
        }
    }

    /** Told about records as they are read, on the consumer thread. */
    public interface Listener<V> {

        default void loaded(String key, V value) {
        }

        default void rejected(Rejection<V> rejection) {
        }
    }

    /** A record the filter rejected: {@code value} is null when its key was rejected before decoding. */
    public record Rejection<V>(String key, V value, int partition, long offset, String reason) {
    }

    static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RESTART_PAUSE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    private final String topic;
    private final Class<V> type;
    private final Map<String, Object> consumerConfig;
    private final RecordFilter<V> filter;
    private final Listener<V> listener;
    private volatile Map<String, V> values = new ConcurrentHashMap<>();
    private final Map<Integer, Long> consumed = new ConcurrentHashMap<>();
    private final Map<Integer, Long> written = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean current;

    /** A view that takes every keyed record. */
    public CompactedTopicView(String topic, Class<V> type, Map<String, Object> consumerConfig, String clientId) {
        this(topic, type, consumerConfig, clientId, new RecordFilter<>() { }, new Listener<>() { });
    }

    /**
     * @param consumerConfig Kafka consumer settings; the group, offset handling and isolation are set here
     */
    public CompactedTopicView(String topic, Class<V> type, Map<String, Object> consumerConfig, String clientId,
            RecordFilter<V> filter, Listener<V> listener) {
        this.topic = topic;
        this.type = type;
        this.filter = filter;
        this.listener = listener;
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumerConfig = config;
    }

    public String topic() {
        return topic;
    }

    public Optional<V> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** Every value whose key starts with {@code prefix}. */
    public List<V> withKeyPrefix(String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
    }

    public int size() {
        return values.size();
    }

    /** Records skipped because they did not decode. */
    public long skipped() {
        return skipped.get();
    }

    /** Records the filter rejected. */
    public long rejected() {
        return rejected.get();
    }

    /** Whether everything present at start has been read. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /**
     * Whether the view is caught up now: everything present when its current read started has been read. False
     * before the first catch-up and from a consumer failure until the read that follows it has caught up.
     */
    public boolean current() {
        return current;
    }

    /** Waits up to {@code timeout} until everything present at start has been read; false if not. */
    public boolean awaitCaughtUp(Duration timeout) {
        try {
            return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Notes that the service published to {@code topic} (if it is this view's) at {@code offset}. */
    public void written(String topic, int partition, long offset) {
        if (this.topic.equals(topic)) {
            written.merge(partition, offset, Math::max);
        }
    }

    /** Waits up to {@code timeout} until the view has read everything the service published; false if not. */
    public boolean awaitWritten(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!readPastWritten()) {
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

    private boolean readPastWritten() {
        return written.entrySet().stream().allMatch(e -> consumed.getOrDefault(e.getKey(), -1L) > e.getValue());
    }

    /** Starts reading on a thread of its own; returns at once. */
    public void start() {
        running = true;
        thread = new Thread(this::run, "view-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void run() {
        AvroDeserializer<V> deserializer = new AvroDeserializer<>(type);
        boolean restart = false;
        while (running) {
            KafkaConsumer<String, byte[]> c = null;
            try {
                c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
                consumer = c;
                read(c, deserializer, restart ? new ConcurrentHashMap<>() : values);
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                current = false;
                if (running) {
                    log.atWarn().setMessage("view.restarting").addKeyValue("topic", topic)
                            .addKeyValue("error", e.getClass().getSimpleName()).log();
                    restart = true;
                    consumed.clear();
                    pause();
                }
            } finally {
                if (c != null) {
                    c.close(Duration.ofSeconds(5));
                }
            }
        }
    }

    /** Reads into {@code reading}, which becomes the view's values once it holds everything present now. */
    private void read(KafkaConsumer<String, byte[]> c, AvroDeserializer<V> deserializer, Map<String, V> reading) {
        List<TopicPartition> partitions = c.partitionsFor(topic, PARTITIONS_TIMEOUT).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        log.atInfo().setMessage("view.started").addKeyValue("topic", topic)
                .addKeyValue("partitions", partitions.size()).log();
        boolean readCaughtUp = false;
        while (running) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                apply(r, deserializer, reading);
            }
            if (!readCaughtUp && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                readCaughtUp = true;
                values = reading;
                current = true;
                log.atInfo().setMessage("view.caught-up").addKeyValue("topic", topic)
                        .addKeyValue("keys", reading.size()).log();
                caughtUp.countDown();
            }
            if (reading == values) {
                for (TopicPartition tp : partitions) {
                    consumed.put(tp.partition(), c.position(tp, Duration.ofSeconds(5)));
                }
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r, AvroDeserializer<V> deserializer, Map<String, V> reading) {
        String keyProblem = filter.keyProblem(r.key());
        if (keyProblem != null) {
            reject(r, null, keyProblem);
            return;
        }
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            reading.remove(r.key());
            return;
        }
        V value;
        try {
            value = deserializer.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            skipped.incrementAndGet();
            log.atWarn().setMessage("view.skipped").addKeyValue("topic", r.topic())
                    .addKeyValue("partition", r.partition()).addKeyValue("offset", r.offset())
                    .addKeyValue("error", e.getMessage()).log();
            return;
        }
        String valueProblem = filter.valueProblem(r.key(), value);
        if (valueProblem != null) {
            reject(r, value, valueProblem);
            return;
        }
        reading.put(r.key(), value);
        listener.loaded(r.key(), value);
    }

    private void reject(ConsumerRecord<String, byte[]> r, V value, String reason) {
        rejected.incrementAndGet();
        listener.rejected(new Rejection<>(r.key(), value, r.partition(), r.offset(), reason));
    }

    private void pause() {
        try {
            Thread.sleep(RESTART_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
