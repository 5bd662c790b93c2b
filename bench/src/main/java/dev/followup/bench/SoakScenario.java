package dev.followup.bench;

import dev.followup.events.DurationText;
import dev.followup.events.Topics;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.stack.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Steady traffic with churn through the real scheduler and executor for {@code --minutes}, with retention set to
 * {@code --retention}, sampling what could grow: RocksDB bytes of the scheduler's state directory (by store), its
 * changelog topics' bytes on the broker (by topic), the executor's drafts on disk, heap after a full GC of both
 * services, open tasks ({@code GET /v1/queue}) and what retention purged ({@code followup.scheduler.purged}).
 * Everything is reported, nothing asserted but the exactly-once counts.
 */
final class SoakScenario {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String APP = "a";

    private final BenchOptions options;
    private final Pipeline pipeline;
    private final BrokerView broker;
    private final double ceiling;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SoakScenario(BenchOptions options, Pipeline pipeline, BrokerView broker, double ceiling) {
        this.options = options;
        this.pipeline = pipeline;
        this.broker = broker;
        this.ceiling = ceiling;
    }

    /** The scheduler's settings for the soak: retention, and changelog compaction scaled like it. */
    static Map<String, String> schedulerSettings(Duration retention) {
        Map<String, String> props = new LinkedHashMap<>();
        String r = retention.toMillis() + "ms";
        props.put("followup.scheduler.retention.tasks", r);
        props.put("followup.scheduler.retention.enrollments", r);
        props.put("followup.scheduler.retention.leads", r);
        // Kafka's defaults (a segment rolls after 7 days or 1 GiB, tombstones stay a day) would keep every record of a
        // short run in the active segment, which compaction never touches: scale them like the retention
        String ms = Long.toString(retention.toMillis());
        props.put("spring.kafka.streams.properties.topic.segment.ms", ms);
        props.put("spring.kafka.streams.properties.topic.delete.retention.ms", ms);
        return props;
    }

    /** The executor's: both channels drafting for real (Maildir, outbox), erasures remembered for the retention. */
    static Map<String, String> executorSettings(Duration retention) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("followup.executor.channels", "EMAIL,SMS");
        props.put("followup.executor.noop-provider", "false");
        props.put("followup.executor.suppression-horizon", retention.toMillis() + "ms");
        // small, so the outbox rotates (and its de-duplication index turns over) within a short run
        props.put("followup.executor.outbox.max-file-size", "1MB");
        props.put("followup.executor.secrets.local", "soak-" + java.util.UUID.randomUUID());
        return props;
    }

    /** Starts the scheduler, runs the traffic, samples; stops the scheduler at the end. */
    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        double[] loadStart = Load.now();
        String tenant = pipeline.tenant("soak");
        int leads = (int) Math.min(Integer.MAX_VALUE - 8, (long) options.soakRate() * options.soakDuration().toSeconds());
        SoakTally tally = new SoakTally(leads);
        List<Map<String, Object>> series = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Figure> figures;
        pipeline.startScheduler(APP, tenant, schedulerSettings(options.retention()));
        pipeline.awaitExecutorReady();
        pipeline.observer.listen(tenant, tally);
        try (SoakFeed feed = new SoakFeed(options.bootstrap(), tenant, options.soakRate(), leads);
                HeapUsage.Probe schedulerHeap = new HeapUsage.Probe(pipeline.scheduler().pid());
                HeapUsage.Probe executorHeap = new HeapUsage.Probe(pipeline.executor().pid())) {
            heaps = new HeapUsage.Probe[] {schedulerHeap, executorHeap};
            feed.publishDefinitions();
            Thread.sleep(2_000); // the scheduler's and the executor's settings views read them
            System.out.printf(Locale.ROOT, "soak: %,d leads at %d/s for %d min, retention %s; a sample every %s%n",
                    leads, options.soakRate(), options.soakDuration().toMinutes(),
                    DurationText.format(options.retention()), DurationText.format(options.sampleEvery()));
            long trafficStart = System.nanoTime();
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(feed::run,
                    r -> new Thread(r, "bench-soak-feed").start());
            long sampleEvery = options.sampleEvery().toNanos();
            long nextSample = trafficStart;
            long trafficEnd = -1;
            long quietSince = 0;
            long seen = -1;
            boolean header = true;
            // samples while the traffic runs, and on while its last tasks drain (due up to 45 s after the last
            // capture): until each has fired and has its receipt, or nothing arrived for --stall (at least 60 s), or
            // three times that after the traffic
            while (true) {
                pipeline.checkAlive();
                long now = System.nanoTime();
                if (traffic.isDone()) {
                    traffic.join(); // throws what stopped the feed
                    if (trafficEnd < 0) {
                        trafficEnd = now;
                    }
                    long arrived = tally.dueTasks() + tally.receipts();
                    if (arrived != seen) {
                        seen = arrived;
                        quietSince = now;
                    }
                    long quiet = Math.max(options.stall().toNanos(), 60_000_000_000L);
                    // a pipeline that fell behind could drain for as long as it was behind: at most 3 quiet periods
                    if ((tally.missing(leads) == 0 && tally.withoutReceipt(leads) == 0) || now - quietSince > quiet
                            || now - trafficEnd > 3 * quiet) {
                        break;
                    }
                }
                if (now >= nextSample) {
                    Map<String, Object> row = sample(tally, feed, (now - trafficStart) / 60e9);
                    if (trafficEnd >= 0) {
                        row.put("afterTraffic", 1);
                    }
                    series.add(row);
                    print(row, header);
                    header = false;
                    // a sample that took longer than the interval delays the next rather than bunching them
                    nextSample = Math.max(nextSample + sampleEvery, System.nanoTime());
                }
                Thread.sleep(200);
            }
            Thread.sleep(1_000); // a late duplicate still counts
            double trafficMinutes = (trafficEnd - trafficStart) / 60e9;
            Map<String, Object> last = sample(tally, feed, (System.nanoTime() - trafficStart) / 60e9);
            last.put("afterTraffic", 1);
            series.add(last);
            print(last, header);

            figures = figures(series, tally, feed, leads, trafficMinutes);
            notes.add(String.format(Locale.ROOT, "%,d leads captured at %d/s for %.1f min: each hot (an email %d s and "
                    + "an SMS %d s after), a quarter also enrolled in a two-step sequence, a quarter replying and a "
                    + "quarter erased %d s after capture (%,d erased)", feed.captured(), options.soakRate(),
                    trafficMinutes, SoakFeed.EMAIL_AFTER_S, SoakFeed.SMS_AFTER_S, SoakFeed.CHURN_AFTER_S,
                    feed.erased()));
            String retention = DurationText.format(options.retention());
            notes.add("retention of tasks, enrollments and leads " + retention + " (leads: rounded up to the full hour "
                    + "by the scheduler); changelog segment.ms and delete.retention.ms " + retention
                    + "; executor suppression horizon " + retention + ", outbox files of 1 MB");
            notes.add("receipts by status " + tally.byStatus() + "; heap used after two full GCs (System.gc over "
                    + "JMX); scheduler JVM " + String.join(" ", options.schedulerJvm()) + ", executor JVM "
                    + String.join(" ", options.executorJvm()));
            notes.add(String.format(Locale.ROOT, "the horizon: %.1f min after the traffic started (the retention plus "
                    + "the %d s a lead's last follow-up takes to end)", horizonMinutes(), SoakFeed.SMS_AFTER_S + 20));
            if (!contaminated.isEmpty()) {
                notes.add("NOT VALID: other consumer groups read the input topics during the run " + contaminated
                        + " (another scheduler on this broker stores and fires their timers and ours)");
            }
            if (tally.foreign() > 0) {
                notes.add(tally.foreign() + " due tasks or receipts named leads the feed did not send");
            }
        } finally {
            pipeline.observer.stopListening(tenant);
        }
        pipeline.stopScheduler();
        return new ScenarioResult("soak", (System.nanoTime() - started) / 1e9, loadStart, Load.now(),
                figures, notes, series);
    }

    /** One sample as a line of the table over time (columns as wide as their names, at least 8). */
    private static void print(Map<String, Object> row, boolean header) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        row.forEach((k, v) -> {
            if (v instanceof Number n && !k.equals("afterTraffic")) {
                int width = Math.max(k.length(), 8);
                names.append(" ".repeat(width - k.length())).append(k).append("  ");
                String text = Report.number(n.doubleValue());
                values.append(" ".repeat(Math.max(0, width - text.length()))).append(text).append("  ");
            }
        });
        if (header) {
            System.out.println(names.toString().stripTrailing());
        }
        System.out.println(values.toString().stripTrailing());
    }

    private double horizonMinutes() {
        return (options.retention().toSeconds() + SoakFeed.SMS_AFTER_S + 20) / 60.0;
    }

    private List<Figure> figures(List<Map<String, Object>> series, SoakTally tally, SoakFeed feed, int leads,
            double trafficMinutes) {
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.rate("leads_per_s", "leads captured/s (offered)", feed.captured() / feed.captureSeconds(),
                ceiling));
        figures.add(Figure.count("due_tasks", "due tasks fired", tally.dueTasks()));
        figures.add(Figure.count("receipts", "receipts", tally.receipts()));
        figures.add(Figure.count("due_tasks_lost", "tasks missing (leads that neither reply nor are erased)",
                tally.missing(leads)).withTarget("0", tally.missing(leads) == 0));
        figures.add(Figure.count("due_task_duplicates", "tasks fired twice", tally.duplicateFires())
                .withTarget("0", tally.duplicateFires() == 0));
        figures.add(Figure.count("receipt_duplicates", "receipts beyond one per fired task",
                tally.duplicateReceipts(leads)).withTarget("0", tally.duplicateReceipts(leads) == 0));
        figures.add(Figure.count("receipts_missing", "fired tasks without a receipt", tally.withoutReceipt(leads)));
        figures.add(Figure.count("other_consumer_groups", "other consumer groups on the input (the run is not valid)",
                contaminated.size()).withTarget("0", contaminated.isEmpty()));
        double horizon = horizonMinutes();
        List<Map<String, Object>> during = series.stream().filter(r -> !r.containsKey("afterTraffic")).toList();
        figures.add(flatness("rocksdb_mb", "scheduler RocksDB on disk", "MB", during, horizon, r -> num(r, "rocksdbMB")));
        figures.add(flatness("changelog_mb", "scheduler changelog topics on the broker", "MB", during, horizon,
                r -> num(r, "changelogMB")));
        figures.add(flatness("scheduler_heap_mb", "scheduler heap after full GC", "MB", during, horizon,
                r -> num(r, "schedulerHeapMB")));
        figures.add(flatness("executor_heap_mb", "executor heap after full GC", "MB", during, horizon,
                r -> num(r, "executorHeapMB")));
        figures.add(flatness("open_tasks", "open tasks (GET /v1/queue pending)", "", during, horizon,
                r -> num(r, "openTasks")));
        figures.add(flatness("executor_disk_mb", "executor drafts on disk (Maildir + outbox)", "MB", during, horizon,
                r -> num(r, "executorDiskMB")));
        Map<String, Object> end = series.get(series.size() - 1);
        for (String store : List.of("purgedTasks", "purgedEnrollments", "purgedJourney", "purgedProfiles")) {
            figures.add(Figure.count(store.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT),
                    "purged by retention: " + store.substring("purged".length()).toLowerCase(Locale.ROOT),
                    (long) num(end, store)));
        }
        return figures;
    }

    /**
     * A size over time after the horizon: its value at the first sample past it, at the end of the traffic, and its
     * trend (least squares) per 10 minutes.
     */
    static Figure flatness(String key, String label, String unit, List<Map<String, Object>> rows, double horizon,
            ToDoubleFunction<Map<String, Object>> value) {
        List<Map<String, Object>> after = rows.stream().filter(r -> num(r, "minutes") >= horizon).toList();
        Map<String, Double> values = new LinkedHashMap<>();
        if (after.size() < 2) {
            values.put("horizon", Double.NaN);
            return new Figure(key, label + " (too short to pass the horizon)", unit, values, null, null, null);
        }
        double n = after.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0, max = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> r : after) {
            double x = num(r, "minutes");
            double y = value.applyAsDouble(r);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            max = Math.max(max, y);
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        values.put("horizon", value.applyAsDouble(after.get(0)));
        values.put("end", value.applyAsDouble(after.get(after.size() - 1)));
        values.put("max", max);
        values.put("per10min", slope * 10);
        return new Figure(key, label + ": after the horizon, at the end, max, trend", unit, values, null, null, null);
    }

    static double num(Map<String, Object> row, String key) {
        return row.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private HeapUsage.Probe[] heaps;
    private final java.util.Set<String> contaminated = new java.util.TreeSet<>();

    private Map<String, Object> sample(SoakTally tally, SoakFeed feed, double minutes) throws Exception {
        ServiceProcess scheduler = pipeline.scheduler();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("minutes", round(minutes, 2));
        row.put("leads", feed.captured());
        row.put("fired", tally.dueTasks());
        row.put("receipts", tally.receipts());
        long erased = feed.erased();
        Map<String, Long> byStatus = statusMap(tally.byStatus());
        String at = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        row.put("openTasks", openTasks(scheduler.port()));
        Map<String, Long> stores = storeBytes(pipeline.stateDir());
        long rocksdb = stores.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> topics = broker.topicBytesByTopic(pipeline.appId() + "-");
        long changelog = topics.entrySet().stream().filter(e -> e.getKey().endsWith("-changelog"))
                .mapToLong(Map.Entry::getValue).sum();
        long otherInternal = topics.values().stream().mapToLong(Long::longValue).sum() - changelog;
        Path data = pipeline.executorData();
        long mail = storeBytes(data.resolve("mail")).values().stream().mapToLong(Long::longValue).sum();
        long outbox = storeBytes(data.resolve("outbox")).values().stream().mapToLong(Long::longValue).sum();
        row.put("rocksdbMB", round(rocksdb / 1e6, 2));
        row.put("changelogMB", round(changelog / 1e6, 2));
        row.put("executorDiskMB", round((mail + outbox) / 1e6, 2));
        row.put("schedulerHeapMB", round(heaps[0].afterGc().used() / 1e6, 1));
        row.put("executorHeapMB", round(heaps[1].afterGc().used() / 1e6, 1));
        String metrics = prometheus(scheduler.port());
        Map<String, Double> purged = sumBy(metrics, "followup_scheduler_purged_total", "store");
        Map<String, Double> keys = sumBy(metrics, "kafka_stream_state_estimate_num_keys", "rocksdb_state_id");
        Map<String, Double> memtables = sumBy(metrics, "kafka_stream_state_size_all_mem_tables", "rocksdb_state_id");
        // Kafka Streams flushes a store's memtables to disk only every 10,000 changelog records of its task (or when one
        // is full): until then the state is in memory, so both count
        row.put("memtablesMB", round(memtables.values().stream().mapToDouble(Double::doubleValue).sum() / 1e6, 2));
        row.put("schedulerRssMB", round(scheduler.process().rssBytes() / 1e6, 0));
        row.put("executorRssMB", round(pipeline.executor().process().rssBytes() / 1e6, 0));
        row.put("purgedTasks", purged.getOrDefault("tasks", 0.0).longValue());
        row.put("purgedEnrollments", purged.getOrDefault("enrollments", 0.0).longValue());
        row.put("purgedJourney", purged.getOrDefault("lead-journey", 0.0).longValue());
        row.put("purgedProfiles", purged.getOrDefault("lead-profiles", 0.0).longValue());
        row.put("load", Load.now()[0]);
        // another scheduler on these topics (a second benchmark on the same broker) would store and fire its timers
        // and ours: the figures would not be the soak's
        List<String> others = broker.otherConsumers(List.of(Topics.COMMANDS, Topics.LEAD_EVENTS),
                java.util.Set.of(pipeline.appId()));
        if (!others.isEmpty()) {
            row.put("otherConsumers", others);
            System.out.println("soak: WARNING other consumers read the pipeline's input on this broker: " + others
                    + "; the figures include their records");
            contaminated.addAll(others);
        }
        row.put("at", at);
        row.put("erased", erased);
        row.put("internalTopicsOtherMB", round(otherInternal / 1e6, 2));
        row.put("mailMB", round(mail / 1e6, 2));
        row.put("outboxMB", round(outbox / 1e6, 2));
        row.put("rocksdbByStore", stores);
        // RocksDB's estimate, which counts a key overwritten in a memtable once per write: a trend, not a count
        row.put("estimatedKeysByStore", keys);
        row.put("topicBytes", topics);
        row.put("receiptsByStatus", byStatus);
        return row;
    }

    private static Map<String, Long> statusMap(Map<ReceiptStatus, Long> byStatus) {
        Map<String, Long> m = new TreeMap<>();
        byStatus.forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    /** Pending tasks of the soak's tenant, all channels, as {@code GET /v1/queue} counts them; -1 if it fails. */
    private long openTasks(int port) {
        try {
            HttpResponse<String> response = get("http://127.0.0.1:" + port + "/v1/queue");
            if (response.statusCode() != 200) {
                return -1;
            }
            JsonNode pending = JSON.readTree(response.body()).get("pending");
            long sum = 0;
            for (JsonNode n : pending) {
                sum += n.asLong();
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The scheduler's Prometheus page, or "" if it did not answer (the figures from it are then missing). */
    private String prometheus(int port) {
        try {
            HttpResponse<String> response = get("http://127.0.0.1:" + port + "/actuator/prometheus");
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /**
     * The samples of {@code metric} in a Prometheus text page, summed by the value of {@code tag}: e.g.
     * {@code followup_scheduler_purged_total} by {@code store}, or Kafka Streams' RocksDB
     * {@code kafka_stream_state_estimate_num_keys} by {@code rocksdb_state_id} (summed over the tasks).
     */
    static Map<String, Double> sumBy(String page, String metric, String tag) {
        Map<String, Double> sums = new TreeMap<>();
        String label = tag + "=\"";
        page.lines().filter(l -> l.startsWith(metric + "{")).forEach(l -> {
            int s = l.indexOf(label);
            int e = s < 0 ? -1 : l.indexOf('"', s + label.length());
            if (e > 0) {
                try {
                    sums.merge(l.substring(s + label.length(), e),
                            Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Double::sum);
                } catch (NumberFormatException ignored) {
                    // NaN and the like: not a size
                }
            }
        });
        return sums;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + pipeline.apiKey).timeout(Duration.ofSeconds(30)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Bytes of the state directory by store: Kafka Streams keeps each task's stores in
     * {@code <state-dir>/<application-id>/<task>/rocksdb/<store>/}; files elsewhere (checkpoints) count as "other".
     */
    static Map<String, Long> storeBytes(Path stateDir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return storeBytesOnce(stateDir);
            } catch (java.io.UncheckedIOException e) {
                if (attempt == 3) {
                    throw e.getCause();
                }
                // a directory went away while it was walked (RocksDB, a task migrating): count again
            }
        }
    }

    private static Map<String, Long> storeBytesOnce(Path stateDir) throws IOException {
        Map<String, Long> bytes = new TreeMap<>();
        if (!Files.exists(stateDir)) {
            return bytes;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.filter(Files::isRegularFile).forEach(p -> {
                long size;
                try {
                    size = Files.size(p);
                } catch (IOException e) {
                    return; // RocksDB removed it (compaction) while we were counting
                }
                Path relative = stateDir.relativize(p);
                String store = "other";
                for (int i = 0; i < relative.getNameCount() - 2; i++) {
                    if (relative.getName(i).toString().equals("rocksdb")) {
                        store = relative.getName(i + 1).toString();
                        break;
                    }
                }
                bytes.merge(store, size, Long::sum);
            });
        }
        return bytes;
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
