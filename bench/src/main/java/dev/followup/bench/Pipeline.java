package dev.followup.bench;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.stack.ServiceProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The pipeline under test: the executor with its no-op provider and a scheduler, both from their jars, a feed of
 * commands and an observer of due tasks and receipts. Each scheduler it starts has a fresh application id and state
 * directory, and skips input that was on the topics before it started ({@code main.consumer.auto.offset.reset=latest}),
 * so runs never see each other's timers.
 */
final class Pipeline implements AutoCloseable {

    /** Generous: on a loaded 2-core machine a Spring Boot service has taken over 10 minutes to start. */
    private static final Duration STARTUP = Duration.ofMinutes(20);

    private final BenchOptions options;
    private final BrokerView broker;
    private final String runId;
    private final Path runDir;
    final String apiKey = UUID.randomUUID().toString();
    final PipelineObserver observer;
    final TimerFeed feed;
    private final int partitions;
    private ServiceProcess executor;
    private ServiceProcess scheduler;
    private String appId;
    private Path stateDir;

    Pipeline(BenchOptions options, BrokerView broker, String runId, Path runDir) throws Exception {
        this.options = options;
        this.broker = broker;
        this.runId = runId;
        this.runDir = runDir;
        this.partitions = broker.partitions(Topics.COMMANDS);
        this.observer = new PipelineObserver(options.bootstrap(), options.observedChannels());
        this.feed = new TimerFeed(options.bootstrap(), options.channel());
    }

    /** A tenant id of this run: {@code bench-<run>-<role>}. */
    String tenant(String role) {
        return "bench-" + runId + "-" + role;
    }

    /** Prefix of every application id (and so every internal topic and group) of this run's schedulers. */
    String appIdPrefix() {
        return "followup-bench-" + runId + "-";
    }

    String appId() {
        return appId;
    }

    Path stateDir() {
        return stateDir;
    }

    ServiceProcess scheduler() {
        return scheduler;
    }

    ServiceProcess executor() {
        return executor;
    }

    /** The executor's data directory (Maildir and outbox). */
    Path executorData() {
        return runDir.resolve("executor-data");
    }

    int partitions() {
        return partitions;
    }

    /**
     * Publishes the tenants' settings. Drafting: no quotas (so no quota-gate round trip), no send window, every day a
     * working day, no automatic follow-ups, drafts only. Otherwise (tidying up after the run): sending "enabled", which an executor
     * that does not send answers with SKIPPED, so a later run of the local stack over these topics writes no drafts.
     */
    void publishSettings(List<String> tenants, boolean drafting) throws Exception {
        AvroSerializer<TenantSettings> serializer = new AvroSerializer<>(TenantSettings.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String tenant : tenants) {
                TenantSettings.Builder settings = TenantSettings.newBuilder().setTenantId(tenant)
                        .setLeadFollowUps(List.of()).setBookingFollowUps(List.of()).setSendWindow(null)
                        .setWorkingDays(Arrays.asList(Weekday.values())).setMaxTasksPerDay(0)
                        .setMaxTasksPerMinute(null);
                if (!drafting) {
                    Map<String, ChannelSettings> sending = new LinkedHashMap<>();
                    for (Channel channel : List.of(options.channel(), options.heldChannel())) {
                        sending.put(channel.name(), ChannelSettings.newBuilder().setSendEnabled(true).build());
                    }
                    settings.setDraftOnly(false).setChannels(sending);
                }
                producer.send(new ProducerRecord<>(Topics.TENANT_SETTINGS, tenant,
                        serializer.serialize(Topics.TENANT_SETTINGS, settings.build()))).get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts the executor; {@link #awaitExecutorReady} waits for it (a scheduler can start meanwhile). */
    void startExecutor() throws Exception {
        startExecutor(Map.of());
    }

    /**
     * Starts the executor with {@code settings} over the benchmark's (one channel, the no-op provider); the
     * {@code --executor-prop}s win over both.
     */
    void startExecutor(Map<String, String> settings) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.kafka.bootstrap-servers", options.bootstrap());
        props.put("followup.executor.channels", options.channel().name());
        props.put("followup.executor.noop-provider", "true");
        props.put("followup.executor.data-dir", executorData().toString());
        props.putAll(settings);
        props.putAll(options.executorProps());
        List<String> jvm = new ArrayList<>(options.executorJvm());
        if (options.profile()) {
            jvm.add(flightRecording("executor"));
        }
        executor = ServiceProcess.of("executor", options.executorJar(), runDir.resolve("executor.log")).jvm(jvm)
                .args(arguments(props)).argFile().start();
    }

    void awaitExecutorReady() throws InterruptedException, java.io.IOException {
        executor.awaitReady(STARTUP);
    }

    /**
     * Starts scheduler {@code name} (application id {@code followup-bench-<run>-<name>}), waits until it is ready and
     * until every partition of its input is read from where it was when it started (see {@link #awaitFlowing}).
     */
    void startScheduler(String name, String apiTenant) throws Exception {
        startScheduler(name, apiTenant, Map.of());
    }

    /** As {@link #startScheduler(String, String)}, with {@code settings} (the {@code --scheduler-prop}s win). */
    void startScheduler(String name, String apiTenant, Map<String, String> settings) throws Exception {
        appId = appIdPrefix() + name;
        stateDir = runDir.resolve("scheduler-" + name + "-state");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.kafka.bootstrap-servers", options.bootstrap());
        props.put("followup.scheduler.application-id", appId);
        props.put("followup.scheduler.state-dir", stateDir.toString());
        // a fresh application id must not read the commands of earlier runs
        props.put("spring.kafka.streams.properties.main.consumer.auto.offset.reset", "latest");
        props.put("followup.auth.api-keys[0].tenant", apiTenant);
        props.put("followup.auth.api-keys[0].sha256", sha256(apiKey));
        // the benchmark looks up thousands of task ids as an operator would, but faster than a tenant may query
        props.put("followup.scheduler.query-rate-limit.enabled", "false");
        props.putAll(settings);
        props.putAll(options.schedulerProps());
        List<String> jvm = new ArrayList<>(options.schedulerJvm());
        if (options.profile()) {
            jvm.add(flightRecording("scheduler-" + name));
        }
        scheduler = ServiceProcess.of("scheduler", options.schedulerJar(), runDir.resolve("scheduler-" + name + ".log"))
                .jvm(jvm).args(arguments(props)).argFile().start();
        scheduler.awaitReady(STARTUP);
        awaitFlowing(tenant("probe-" + name));
    }

    /** Spring properties as command-line arguments, {@code --key=value}. */
    static List<String> arguments(Map<String, String> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    /** The JVM option recording the process with Java Flight Recorder into {@code <run dir>/<name>.jfr}. */
    private String flightRecording(String name) {
        return "-XX:StartFlightRecording=filename=" + runDir.resolve(name + ".jfr") + ",settings=profile,dumponexit=true";
    }

    /** Stops the scheduler as an orchestrator would (SIGTERM: Streams commits and closes its stores). */
    void stopScheduler() throws InterruptedException {
        if (scheduler != null) {
            if (!scheduler.stop(Duration.ofSeconds(90))) {
                throw new IllegalStateException("the scheduler did not stop within 90 s and was killed");
            }
            scheduler = null;
        }
    }

    void checkAlive() {
        observer.check();
        for (ServiceProcess p : new ServiceProcess[] {scheduler, executor}) {
            if (p != null && !p.isAlive()) {
                throw new IllegalStateException(p.name() + " exited; last lines of its log:\n" + p.tail(40));
            }
        }
    }

    /**
     * A new scheduler resolves its input positions ("latest") on its first fetch, after it reports RUNNING: timers sent
     * before that would be skipped. So probe timers, due at once, go to every partition until each one has fired.
     */
    private void awaitFlowing(String tenant) throws Exception {
        Tracking probes = observer.track(tenant, 1_000_000);
        Map<Integer, Integer> sent = new LinkedHashMap<>(); // probe index → partition
        boolean[] flowing = new boolean[partitions];
        int next = 0;
        long wait = 3_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            sent.forEach((i, p) -> flowing[p] |= probes.hasFired(i));
            long now = System.currentTimeMillis();
            boolean all = true;
            for (int p = 0; p < partitions; p++) {
                if (!flowing[p]) {
                    all = false;
                    while (TimerFeed.partitionOf(tenant, next, partitions) != p) {
                        next++;
                    }
                    sent.put(next, p);
                    feed.schedule(tenant, next, next + 1, k -> now);
                    next++;
                }
            }
            if (all) {
                observer.untrack(probes);
                return;
            }
            // a probe that fires late still counts; a slow machine gets longer between rounds
            long roundEnd = System.currentTimeMillis() + wait;
            while (System.currentTimeMillis() < roundEnd) {
                checkAlive();
                Thread.sleep(50);
            }
            wait = Math.min(wait * 3 / 2, 20_000);
        }
        throw new IllegalStateException("the scheduler " + appId + " did not fire probe timers on every partition "
                + "within 300 s; see " + runDir);
    }

    @Override
    public synchronized void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {scheduler, executor, feed, observer}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("bench: closing " + c.getClass().getSimpleName() + ": " + e);
                }
            }
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
