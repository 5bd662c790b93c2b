package dev.followup.bench;

import dev.followup.events.Topics;
import dev.followup.stack.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * M timers due far in the future on a fresh scheduler: how fast they are taken in, what they cost in heap, RSS, RocksDB
 * and changelog bytes, how fast some of them are canceled by id, and how fast {@code GET /v1/queue} answers then. The task ids come from the scheduler's own query
 * API ({@code GET /v1/leads/{leadId}/tasks}), as an operator would look them up.
 */
final class PendingScenario {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long DAY_MS = 86_400_000L;

    private final BenchOptions options;
    private final Pipeline pipeline;
    private final BrokerView broker;
    private final double ceiling;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PendingScenario(BenchOptions options, Pipeline pipeline, BrokerView broker, double ceiling) {
        this.options = options;
        this.pipeline = pipeline;
        this.broker = broker;
        this.ceiling = ceiling;
    }

    /** Runs on the pipeline's current scheduler, which it stops at the end (a clean close flushes RocksDB). */
    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        double[] loadStart = Load.now();
        String tenant = pipeline.tenant("pending");
        int m = options.pending();
        long base = System.currentTimeMillis() + options.pendingAhead().toMillis();
        long windowStart = System.currentTimeMillis();

        long sendStart = System.nanoTime();
        pipeline.feed.schedule(tenant, 0, m, i -> base + i * DAY_MS / m);
        double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
        long consumed = broker.awaitConsumed(pipeline.appId(), Topics.COMMANDS, Duration.ofSeconds(120 + m / 1_000));
        double scheduleRate = m / ((consumed - sendStart) / 1e9);
        pipeline.checkAlive();

        ServiceProcess scheduler = pipeline.scheduler();
        HeapUsage heap = HeapUsage.afterGc(scheduler.pid());
        long rss = scheduler.process().rssBytes();
        long stateRunning = directorySize(pipeline.stateDir());

        Map<Integer, String> ids = lookUpTaskIds(tenant, scheduler.port(), m, options.cancel());
        long cancelStart = System.nanoTime();
        pipeline.feed.cancel(tenant, ids);
        long cancelConsumed = broker.awaitConsumed(pipeline.appId(), Topics.COMMANDS, Duration.ofSeconds(300));
        double cancelRate = ids.size() / ((cancelConsumed - cancelStart) / 1e9);
        long queueStart = System.nanoTime();
        long stillPending;
        try {
            stillPending = pendingOf(tenant, scheduler.port());
        } catch (java.net.http.HttpTimeoutException e) {
            stillPending = -1; // reported as a figure: the other figures of a long run are not lost
        }
        double queueFirstMs = (System.nanoTime() - queueStart) / 1e6;
        double[] queueMs = new double[QUEUE_SAMPLES]; // the first answer may pay for cold caches: then a few more
        for (int i = 0; i < QUEUE_SAMPLES && stillPending >= 0; i++) {
            long start = System.nanoTime();
            pendingOf(tenant, scheduler.port());
            queueMs[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(queueMs);
        double[] leadMs = new double[QUEUE_SAMPLES]; // a one-key read of the same API: what "constant" looks like here
        for (int i = 0; i < QUEUE_SAMPLES; i++) {
            long start = System.nanoTime();
            leadTasks(TimerFeed.leadId(m - 1 - i), scheduler.port());
            leadMs[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(leadMs);

        pipeline.stopScheduler();
        long stateClosed = directorySize(pipeline.stateDir());
        long changelogs = broker.topicBytes(pipeline.appId() + "-", "-changelog");

        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.rate("schedule_per_s", "schedule rate (sent → scheduler consumed)", scheduleRate, ceiling));
        figures.add(Figure.quantity("heap_after_gc_mb", "scheduler heap used after full GC", heap.used() / 1e6, "MB")
                .atMost(256));
        figures.add(Figure.quantity("rss_mb", "scheduler RSS", rss / 1e6, "MB"));
        figures.add(Figure.quantity("rocksdb_bytes_per_timer", "RocksDB disk per timer (after clean close)",
                (double) stateClosed / m, "B").atMost(200));
        figures.add(Figure.quantity("rocksdb_running_bytes_per_timer", "RocksDB disk per timer (running)",
                (double) stateRunning / m, "B"));
        figures.add(Figure.quantity("changelog_bytes_per_timer", "changelog topics per timer (uncompacted)",
                (double) changelogs / m, "B"));
        figures.add(Figure.rate("cancel_per_s", "cancel by id (CancelTask sent → consumed)", cancelRate, ceiling));
        figures.add(Figure.count("pending_after_cancel", "pending after cancel (GET /v1/queue)", stillPending)
                .withTarget("= " + Report.number(m - ids.size()), stillPending == m - ids.size()));
        figures.add(Figure.quantity("queue_first_ms", "GET /v1/queue, first answer", queueFirstMs, "ms")
                .atMost(50));
        figures.add(Figure.quantity("queue_median_ms", "GET /v1/queue, median of the next " + QUEUE_SAMPLES,
                queueMs[QUEUE_SAMPLES / 2], "ms").atMost(50));
        figures.add(Figure.quantity("queue_max_ms", "GET /v1/queue, slowest of the next " + QUEUE_SAMPLES,
                queueMs[QUEUE_SAMPLES - 1], "ms"));
        figures.add(Figure.quantity("lead_tasks_median_ms", "GET /v1/leads/{id}/tasks (one key), median of "
                + QUEUE_SAMPLES, leadMs[QUEUE_SAMPLES / 2], "ms"));
        figures.add(Figure.quantity("queue_to_lead_tasks", "GET /v1/queue median ÷ one-key read median",
                queueMs[QUEUE_SAMPLES / 2] / leadMs[QUEUE_SAMPLES / 2], "×"));
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%,d timers due from %s ahead, spread over a day; the feed sent them in "
                + "%.1f s (%,.0f/s); %,d canceled by id", m, options.pendingAhead(), sendSeconds, m / sendSeconds,
                ids.size()));
        notes.add(String.format(Locale.ROOT, "heap committed %.0f MB; scheduler JVM %s; state %s", heap.committed() / 1e6,
                String.join(" ", options.schedulerJvm()), pipeline.stateDir()));
        notes.add("the heap goal (≤ 256 MB) and the RocksDB goal (≤ 200 B/timer) are stated for 10M pending timers");
        if (stillPending < 0) {
            notes.add(String.format(Locale.ROOT, "GET /v1/queue did not answer within %d s: pending after cancel "
                    + "is -1",
                    QUEUE_TIMEOUT.toSeconds()));
        }
        notes.add(String.format(Locale.ROOT, "measured window from %tT", windowStart));
        return new ScenarioResult("pending", (System.nanoTime() - started) / 1e9, loadStart, Load.now(), figures, notes);
    }

    /** The ids of {@code count} timers spread evenly over {@code 0..m-1}, eight requests at a time. */
    private Map<Integer, String> lookUpTaskIds(String tenant, int port, int m, int count) throws Exception {
        Map<Integer, String> ids = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(8);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int i = (int) ((long) k * m / count);
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/leads/"
                    + TimerFeed.leadId(i) + "/tasks")).header("Authorization", "Bearer " + pipeline.apiKey)
                    .timeout(Duration.ofSeconds(30)).build();
            calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("GET " + request.uri() + " answered " + response.statusCode()
                            + ": " + response.body());
                }
                JsonNode tasks = JSON.readTree(response.body());
                if (tasks.size() != 1) {
                    throw new IllegalStateException("lead " + TimerFeed.leadId(i) + " has " + tasks.size()
                            + " tasks, expected 1");
                }
                ids.put(i, tasks.get(0).get("taskId").asString());
            }).whenComplete((ok, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        return ids;
    }

    private static final Duration QUEUE_TIMEOUT = Duration.ofMinutes(3);
    private static final int QUEUE_SAMPLES = 9;

    private void leadTasks(String leadId, int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/leads/" + leadId
                + "/tasks")).header("Authorization", "Bearer " + pipeline.apiKey).timeout(QUEUE_TIMEOUT).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + request.uri() + " answered " + response.statusCode());
        }
    }

    /** The tenant's pending timers of the benchmark's channel, as {@code GET /v1/queue} counts them. */
    private long pendingOf(String tenant, int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/queue"))
                .header("Authorization", "Bearer " + pipeline.apiKey).timeout(QUEUE_TIMEOUT).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/queue for " + tenant + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body()).get("pending").get(options.channel().name()).asLong();
    }

    static long directorySize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (java.nio.file.NoSuchFileException e) {
                    return 0; // RocksDB removed it (compaction) while we were counting
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
