package dev.followup.bench;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the chaos run's outcome as any downstream consumer would: the SMS and CALL due-task topics and the receipts,
 * {@code read_committed}, from the beginning (the run's broker is its own), without a group. Keeps, per task id, how
 * often it was emitted, its due and emission times and its terminal receipts.
 */
final class ChaosObserver implements AutoCloseable {

    /** What the topics say about one task. */
    static final class Seen {
        final String taskId;
        final String leadId;
        final long dueAt;
        final long emittedAt;
        final long seenAt;
        int emissions;
        int terminalReceipts;
        int failedReceipts;

        Seen(String taskId, String leadId, long dueAt, long emittedAt, long seenAt) {
            this.taskId = taskId;
            this.leadId = leadId;
            this.dueAt = dueAt;
            this.emittedAt = emittedAt;
            this.seenAt = seenAt;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<DueTask> dueTasks = new AvroDeserializer<>(DueTask.class);
    private final AvroDeserializer<Receipt> receipts = new AvroDeserializer<>(Receipt.class);
    private final Map<String, Seen> tasks = new HashMap<>();
    private final Map<String, Integer> orphanReceipts = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long lastArrival = System.currentTimeMillis();

    ChaosObserver(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "followup-chaos-observer");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.DUE_TASKS_SMS, Topics.DUE_TASKS_CALL, Topics.RECEIPTS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(60))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::loop, "chaos-observer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        onRecord(record);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private synchronized void onRecord(ConsumerRecord<String, byte[]> record) {
        long now = System.currentTimeMillis();
        lastArrival = now;
        if (record.topic().equals(Topics.RECEIPTS)) {
            Receipt receipt = receipts.deserialize(record.topic(), record.value());
            // every receipt is terminal (the executor publishes none for an attempt it retries)
            Seen seen = tasks.get(receipt.getTaskId());
            if (seen == null) {
                orphanReceipts.merge(receipt.getTaskId(), 1, Integer::sum);
            } else {
                seen.terminalReceipts++;
                if (receipt.getStatus() == ReceiptStatus.FAILED || receipt.getStatus() == ReceiptStatus.DEAD) {
                    seen.failedReceipts++;
                }
            }
            return;
        }
        DueTask task = dueTasks.deserialize(record.topic(), record.value());
        Seen seen = tasks.computeIfAbsent(task.getTaskId(), id -> new Seen(id, task.getLeadId(),
                task.getDueAt().toEpochMilli(), task.getEmittedAt().toEpochMilli(), now));
        seen.emissions++;
        Integer early = orphanReceipts.remove(task.getTaskId());
        if (early != null) { // a receipt read before its task (another topic): count it now
            seen.terminalReceipts += early;
        }
    }

    /** A copy of what was seen so far, by task id. */
    synchronized Map<String, Seen> snapshot() {
        check();
        return new HashMap<>(tasks);
    }

    /** Distinct task ids emitted so far. */
    synchronized int tasksEmitted() {
        return tasks.size();
    }

    synchronized int tasksWithReceipt() {
        return (int) tasks.values().stream().filter(s -> s.terminalReceipts > 0).count();
    }

    synchronized long lastArrival() {
        return lastArrival;
    }

    /** Receipts of task ids no due-task topic showed (yet). */
    synchronized int orphanReceipts() {
        return orphanReceipts.values().stream().mapToInt(Integer::intValue).sum();
    }

    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the observer stopped reading: " + t, t);
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
