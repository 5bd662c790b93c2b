package dev.followup.local;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.Receipt;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Prints receipts from {@code followup.receipts.v1} as they arrive, one line each, until stopped. */
final class ReceiptPrinter implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<Receipt> deserializer = new AvroDeserializer<>(Receipt.class);
    private final AtomicBoolean running = new AtomicBoolean(true);

    ReceiptPrinter(String bootstrap, boolean fromBeginning) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "followup-local-receipts-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RECEIPTS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(Topics.RECEIPTS, p.partition())).toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start now, before the demo feeds anything
        }
    }

    static int run(Options options) {
        try (ReceiptPrinter printer = new ReceiptPrinter(options.get("bootstrap", "127.0.0.1:9092"),
                Boolean.parseBoolean(options.get("from-beginning", "true")))) {
            Runtime.getRuntime().addShutdownHook(new Thread(printer::stop));
            printer.printUntilStopped();
        }
        return 0;
    }

    void printHeader() {
        System.out.printf("%-8s  %-8s  %-14s  %-5s  %-8s  %3s  %8s  %s%n",
                "time", "tenant", "lead", "chan", "status", "try", "latency", "where");
    }

    void printUntilStopped() {
        printHeader();
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    print(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        }
    }

    private void print(ConsumerRecord<String, byte[]> record) {
        Receipt r;
        try {
            r = deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            System.out.println("(undecodable receipt at offset " + record.offset() + ": " + e.getMessage() + ")");
            return;
        }
        String where = r.getLink() != null ? r.getLink() : r.getProviderRef() != null ? r.getProviderRef() : "";
        if (r.getError() != null) {
            where = where.isEmpty() ? r.getError() : where + "  (" + r.getError() + ")";
        }
        System.out.printf("%-8s  %-8s  %-14s  %-5s  %-8s  %3d  %6d ms  %s%n",
                TIME.format(r.getCompletedAt() != null ? r.getCompletedAt() : Instant.now()), r.getTenantId(),
                r.getLeadId(), r.getChannel(), r.getStatus(), r.getAttempt(), r.getLatencyMs(), where);
        System.out.flush();
    }

    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
