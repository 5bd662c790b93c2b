package dev.followup.bench;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the pipeline produces, as any downstream consumer sees it: the due tasks of the given channels and the
 * receipts, {@code read_committed}, from the end of the topics as they were when it started (no group: nothing is
 * committed).
 * Records of tenants nobody {@link #track tracks} are skipped without decoding.
 */
final class PipelineObserver implements AutoCloseable {

    /** What one tenant's records are handed to, on the observer's thread. */
    interface Listener {
        void onDueTask(DueTask task, long seenAt);

        void onReceipt(Receipt receipt, long seenAt);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<DueTask> dueTasks = new AvroDeserializer<>(DueTask.class);
    private final AvroDeserializer<Receipt> receipts = new AvroDeserializer<>(Receipt.class);
    private final Map<String, Listener> tracked = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    PipelineObserver(String bootstrap, List<Channel> channels) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "followup-bench-observer");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<String> topics = new ArrayList<>(List.of(Topics.RECEIPTS));
        for (Channel channel : channels) {
            topics.add(Topics.dueTasks(channel));
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        this.thread = new Thread(this::loop, "bench-observer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts collecting what arrives for {@code tenant}'s timers {@code 0..expected-1}. */
    Tracking track(String tenant, int expected) {
        Tracking tracking = new Tracking(tenant, expected);
        tracked.put(tenant, tracking);
        return tracking;
    }

    /** Hands {@code tenant}'s due tasks and receipts to {@code listener} until {@link #stopListening}. */
    void listen(String tenant, Listener listener) {
        tracked.put(tenant, listener);
    }

    void stopListening(String tenant) {
        tracked.remove(tenant);
    }

    void untrack(Tracking tracking) {
        tracked.remove(tracking.tenant, tracking);
    }

    /** Throws what stopped the reading thread, if anything did. */
    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the observer stopped reading: " + t, t);
        }
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long seenAt = System.currentTimeMillis();
                    String key = record.key();
                    int colon = key == null ? -1 : key.indexOf(':');
                    Listener tracking = colon < 0 ? null : tracked.get(key.substring(0, colon));
                    if (tracking == null || record.value() == null) {
                        continue;
                    }
                    if (record.topic().equals(Topics.RECEIPTS)) {
                        tracking.onReceipt(receipts.deserialize(record.topic(), record.value()), seenAt);
                    } else {
                        tracking.onDueTask(dueTasks.deserialize(record.topic(), record.value()), seenAt);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
