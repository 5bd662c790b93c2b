package dev.followup.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker's ceiling for this kind of work: one transactional producer (the scheduler writes in transactions)
 * sending {@code recordBytes}-byte values to a fresh 6-partition topic, committing every 100 ms (the scheduler's
 * default commit interval), with the producer settings of the scheduler's Streams producer (lz4, 128 KiB batches).
 * Keys look like the pipeline's ({@code tenant:lead}); values are random letters and digits (they compress about as
 * much as Avro records with text do).
 */
final class Ceiling {

    static final int PARTITIONS = 6;

    private Ceiling() {
    }

    /** Records per second committed during {@code measure}, after a 5 s warm-up. */
    static ScenarioResult run(BrokerView broker, String bootstrap, String runId, Duration measure, int recordBytes)
            throws Exception {
        long started = System.nanoTime();
        double[] loadStart = Load.now();
        String topic = "followup-bench.ceiling-" + runId;
        broker.createTopic(topic, PARTITIONS);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "followup-bench-ceiling-" + runId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        SplittableRandom random = new SplittableRandom(42);
        byte[][] values = new byte[1024][];
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int v = 0; v < values.length; v++) {
            values[v] = new byte[recordBytes];
            for (int b = 0; b < recordBytes; b++) {
                values[v][b] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
        }
        long records;
        double seconds;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            produce(producer, topic, values, Duration.ofSeconds(5)); // the broker and the client JIT warm up
            long start = System.nanoTime();
            records = produce(producer, topic, values, measure);
            seconds = (System.nanoTime() - start) / 1e9;
        } finally {
            broker.deleteTopics(topic);
        }
        double perSecond = records / seconds;
        List<Figure> figures = List.of(
                Figure.rate("transactional_produce_per_s", "transactional produce, " + recordBytes + " B records",
                        perSecond, perSecond),
                Figure.quantity("transactional_produce_mb_per_s", "  the same in MB/s (values only)",
                        perSecond * recordBytes / 1e6, "MB/s"));
        return new ScenarioResult("ceiling", (System.nanoTime() - started) / 1e9, loadStart, Load.now(), figures,
                List.of(String.format(java.util.Locale.ROOT,
                        "one transactional producer, %d partitions, commit every 100 ms, lz4, %d records in %.1f s",
                        PARTITIONS, records, seconds)));
    }

    private static long produce(KafkaProducer<String, byte[]> producer, String topic, byte[][] values, Duration time) {
        long end = System.nanoTime() + time.toNanos();
        long n = 0;
        while (System.nanoTime() < end) {
            producer.beginTransaction();
            long commitAt = Math.min(end, System.nanoTime() + 100_000_000L);
            while (System.nanoTime() < commitAt) {
                for (int k = 0; k < 256; k++, n++) {
                    producer.send(new ProducerRecord<>(topic, "bench:l" + (n % 100_000), values[(int) (n & 1023)]));
                }
            }
            producer.commitTransaction();
        }
        return n;
    }
}
