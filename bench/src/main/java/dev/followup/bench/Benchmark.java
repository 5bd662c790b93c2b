package dev.followup.bench;

import dev.followup.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code ./followup bench}: runs the scenarios ({@link BenchOptions#USAGE}), prints a table and writes
 * {@code <out-dir>/<run>.json}. Exit status 0, or 3 when a timer was lost, duplicated or fired early, 2 for bad
 * options, 1 when the run itself failed. Not a test: goals missed are reported, not asserted.
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            System.exit(run(options));
        } catch (Exception e) {
            System.err.println("bench: the run failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(BenchOptions options) throws Exception {
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path runDir = options.outDir().resolve(runId);
        Files.createDirectories(runDir);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("run", runId);
        run.put("startedAt", OffsetDateTime.now().toString());
        run.put("bootstrap", options.bootstrap());
        run.put("host", Map.of("cores", Runtime.getRuntime().availableProcessors(), "loadAverage", Load.now(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.arch")));
        run.put("options", options.describe());
        System.out.printf(Locale.ROOT, "followup bench %s: broker %s, %d cores, load %s; scenarios %s%n", runId,
                options.bootstrap(), Runtime.getRuntime().availableProcessors(), loadText(), options.scenarios());

        List<ScenarioResult> results = new ArrayList<>();
        AtomicReference<Pipeline> running = new AtomicReference<>();
        Thread stopChildren = new Thread(() -> {
            Pipeline p = running.getAndSet(null);
            if (p != null) {
                try {
                    p.close();
                } catch (Exception e) {
                    // exiting anyway
                }
            }
        }, "bench-stop-services");
        Runtime.getRuntime().addShutdownHook(stopChildren);
        try (BrokerView broker = new BrokerView(options.bootstrap())) {
            requireTopics(broker, options);
            ScenarioResult ceiling = Ceiling.run(broker, options.bootstrap(), runId, options.ceilingDuration(),
                    options.recordBytes());
            results.add(ceiling);
            progress(ceiling);
            double ceilingRate = ceiling.figure("transactional_produce_per_s").value();
            if (options.scenarios().size() > 1) {
                Pipeline pipeline = new Pipeline(options, broker, runId, runDir);
                running.set(pipeline);
                List<String> tenants = Stream.of("probe-a", "probe-b", "warmup", "warmup-burst", "firing",
                        "burst-alone", "burst", "rate-alone", "rate", "pending", "soak")
                        .map(pipeline::tenant).toList();
                try {
                    refuseOtherConsumers(broker, options);
                    pipeline.publishSettings(tenants, true);
                    System.out.println("starting the executor and the scheduler (logs in " + runDir + ")");
                    if (options.runs("soak")) { // alone: its executor drafts on two channels, for real
                        pipeline.startExecutor(SoakScenario.executorSettings(options.retention()));
                        results.add(progress(new SoakScenario(options, pipeline, broker, ceilingRate).run()));
                    } else {
                        pipeline.startExecutor();
                    }
                    if (options.runs("firing") || options.runs("burst") || options.runs("rate")) {
                        pipeline.startScheduler("a", pipeline.tenant("pending"));
                        pipeline.awaitExecutorReady();
                        FiringScenarios firing = new FiringScenarios(options, pipeline, broker, ceilingRate);
                        firing.warmUp();
                        if (options.runs("firing")) {
                            results.add(progress(firing.firing()));
                        }
                        if (options.runs("burst")) {
                            results.add(progress(firing.burst()));
                        }
                        if (options.runs("rate")) {
                            results.add(progress(firing.rate()));
                        }
                        pipeline.stopScheduler();
                    }
                    if (options.runs("pending")) {
                        pipeline.startScheduler("b", pipeline.tenant("pending"));
                        pipeline.awaitExecutorReady();
                        results.add(progress(new PendingScenario(options, pipeline, broker, ceilingRate).run()));
                    }
                } finally {
                    if (running.getAndSet(null) != null) { // else the shutdown hook is closing it
                        pipeline.close();
                    }
                    tidyUp(broker, pipeline, tenants, runDir, options.keep());
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }

        Report report = new Report(run, results);
        System.out.println();
        System.out.print(report.table());
        Path json = options.outDir().resolve(runId + ".json");
        Files.writeString(json, report.json());
        System.out.println();
        System.out.println("JSON: " + json + "   logs" + (options.profile() ? " and flight recordings" : "") + ": "
                + runDir);
        boolean broken = results.stream().flatMap(r -> r.figures().stream())
                .filter(f -> f.key().matches("(.*_)?(lost|duplicates|early)"))
                .anyMatch(f -> f.value() != 0);
        return broken ? 3 : 0;
    }

    private static ScenarioResult progress(ScenarioResult result) {
        System.out.printf(Locale.ROOT, "%s done in %.0f s (load %s)%n", result.name(), result.seconds(), loadText());
        return result;
    }

    private static void requireTopics(BrokerView broker, BenchOptions options) throws Exception {
        Set<String> present = broker.topics();
        List<String> missing = Stream.of(Topics.COMMANDS, Topics.TENANT_SETTINGS, Topics.dueTasks(options.channel()),
                Topics.dueTasks(options.heldChannel()), Topics.RECEIPTS, Topics.LEAD_EVENTS, Topics.BOOKING_EVENTS).filter(t -> !present.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the broker has no topics " + missing + ": create the contract topics "
                    + "first (./followup does; or java -cp <jars> dev.followup.events.TopicProvisioning)");
        }
    }

    /** Another scheduler or executor on these topics would take the benchmark's timers: refuse to run. */
    private static final java.time.Duration STALE_MEMBER_WAIT = java.time.Duration.ofSeconds(60);

    private static void refuseOtherConsumers(BrokerView broker, BenchOptions options) throws Exception {
        List<String> topics = List.of(Topics.COMMANDS, Topics.RECEIPTS, Topics.dueTasks(options.channel()),
                Topics.dueTasks(options.heldChannel()));
        List<String> others = broker.otherConsumers(topics, Set.of());
        // a member of a killed earlier run stays in its group until its session times out (45 s): wait that long
        long deadline = System.nanoTime() + STALE_MEMBER_WAIT.toNanos();
        if (!others.isEmpty()) {
            System.out.println("waiting up to " + STALE_MEMBER_WAIT.toSeconds() + " s for consumers " + others
                    + " to leave (the members of a killed run time out)");
        }
        while (!others.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            others = broker.otherConsumers(topics, Set.of());
        }
        if (!others.isEmpty()) {
            throw new IllegalStateException("other consumers read the pipeline's topics on this broker: " + others
                    + ". A running scheduler or executor would take the benchmark's timers; stop them first "
                    + "(./followup down stops the local stack; ./followup bench then starts the broker alone)");
        }
    }

    /**
     * Removes what only this run used: its schedulers' internal topics, groups and state (unless {@code keep}), and
     * switches its tenants to sending-enabled so any later reader of their timers skips them instead of drafting.
     */
    private static void tidyUp(BrokerView broker, Pipeline pipeline, List<String> tenants, Path runDir, boolean keep) {
        try {
            pipeline.publishSettings(tenants, false);
            if (!keep) {
                broker.deleteTopics(pipeline.appIdPrefix());
                for (String suffix : List.of("a", "b")) {
                    broker.deleteGroup(pipeline.appIdPrefix() + suffix);
                }
                try (Stream<Path> dirs = Files.list(runDir)) {
                    for (Path dir : dirs.filter(d -> d.getFileName().toString().endsWith("-state")
                            || d.getFileName().toString().equals("executor-data")).toList()) {
                        try (Stream<Path> all = Files.walk(dir)) {
                            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                                Files.deleteIfExists(p);
                            }
                        }
                    }
                }
            }
        } catch (Exception e) {
            System.err.println("bench: tidying up after the run failed (" + e + "); internal topics start with "
                    + pipeline.appIdPrefix());
        }
    }

    private static String loadText() {
        double[] load = Load.now();
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", load[0], load[1], load[2]);
    }
}
