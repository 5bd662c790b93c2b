package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.ingest.HostileRequests.Hostile;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * HTTP fuzzing: 10,000 malformed or hostile requests from a seeded generator ({@link HostileRequests}) over every
 * ingest route. Each one must get its family's documented 4xx within the client timeout (never a 5xx, never a hang),
 * and afterwards no topic the service writes holds a single record (read with {@code read_committed}).
 * {@code -Dfollowup.fuzz.seed=N} replays a run; {@code -Dfollowup.fuzz.requests=N} changes its size.
 */
@WithKafka
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileRequestsTest {

    static final long SEED = Long.getLong("followup.fuzz.seed", 20261123L);
    static final int REQUESTS = Integer.getInteger("followup.fuzz.requests", 10_000);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        // the rate limit is tested elsewhere; here every answer must come from the request's own defect
        r.add("followup.ingest.rate-limit.enabled", () -> "false");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder()
            // plain HTTP/1.1 with keep-alive: no h2c upgrade offer on every new connection
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void tenThousandHostileRequestsGetOnlyTheirDocumented4xxAndPublishNothing(TestKafka kafka) throws Exception {
        List<Hostile> requests = new HostileRequests(SEED).generate(REQUESTS);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, java.util.concurrent.atomic.LongAdder> millisPerFamily = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Integer> perFamily = new TreeMap<>();
        requests.forEach(h -> perFamily.merge(h.family(), 1, Integer::sum));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Hostile h : requests) {
                done.add(pool.submit(() -> {
                    long started = System.nanoTime();
                    String outcome = send(h);
                    millisPerFamily.computeIfAbsent(h.family(), f -> new java.util.concurrent.atomic.LongAdder())
                            .add((System.nanoTime() - started) / 1_000_000);
                    if (outcome != null) {
                        failures.add(outcome + " ← " + h);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("hostile requests per family (count, total ms): " + perFamily.keySet().stream()
                .map(f -> f + "=" + perFamily.get(f) + "/" + millisPerFamily.get(f)).toList());
        assertThat(perFamily).as("every family is exercised").hasSize(17);
        assertThat(requests).hasSizeGreaterThanOrEqualTo(REQUESTS);
        assertThat(failures).as("seed " + SEED + ": requests answered otherwise than documented").isEmpty();
        assertThat(committedRecords(kafka)).as("records published by hostile requests").isZero();
    }

    /** Sends one request; null when the answer is one its family may get, else what went wrong. */
    private String send(Hostile h) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + h.path()))
                .timeout(Duration.ofSeconds(15))
                .method(h.method(), h.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(h.body()));
        if (h.key() != null) {
            b.header("Authorization", "Bearer " + h.key());
        }
        if (h.contentType() != null) {
            b.header("Content-Type", h.contentType());
        }
        for (int i = 0; i < h.headers().size(); i += 2) {
            b.header(h.headers().get(i), h.headers().get(i + 1));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (!h.expected().contains(r.statusCode())) {
                String body = r.body() == null ? "" : r.body();
                return r.statusCode() + " (expected " + h.expected() + ") "
                        + body.substring(0, Math.min(200, body.length()));
            }
            return null;
        } catch (java.io.IOException e) {
            // the server may close the connection on a request it refuses to read (huge headers): not a hang or a 5xx
            return h.family().equals("header-size") ? null : "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Committed records in every topic the service writes, counted from the partitions' end offsets. */
    private static long committedRecords(TestKafka kafka) {
        Properties props = kafka.consumerProperties("fuzz-check");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.LEAD_EVENTS, Topics.BOOKING_EVENTS, Topics.COMMANDS,
                    Topics.TENANT_SETTINGS, Topics.SEQUENCES)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
        }
    }
}
