package dev.followup.bench;

import dev.followup.events.TopicProvisioning;
import dev.followup.stack.BrokerProcess;
import dev.followup.stack.LocalPorts;
import dev.followup.stack.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./followup chaos}: the exactly-once promise under faults ({@link ChaosOptions#USAGE}). A real broker, two
 * schedulers (one application, state in separate directories) and two executors (one group, one shared data
 * directory, as two pods share a mail server or a webhook receiver), all processes; the feed; SIGKILLs and a broker
 * restart while the tasks come due; then the count of what went wrong, read from the topics and the drafts.
 */
public final class Chaos {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // the local stack's JVM profile (./followup): C1 only, since five JVMs on two cores spend more on C2 than it saves
    private static final List<String> JVM = List.of("-Xms128m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError");
    private static final Duration READY = Duration.ofMinutes(5);
    private static final List<String> BROKER_JVM = List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC");
    private static final Duration BROKER_START = Duration.ofMinutes(3);
    private static final long PROGRESS_EVERY_MS = 15_000;

    private Chaos() {
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(ChaosOptions.USAGE);
            return;
        }
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.err.print(ChaosOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            ChaosResult result = run(options);
            System.exit(result.clean() ? 0 : 3);
        } catch (Exception e) {
            System.err.println("chaos: the run failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static ChaosResult run(ChaosOptions options) throws Exception {
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path runDir = options.outDir().toAbsolutePath().resolve(runId);
        Files.createDirectories(runDir);
        Random random = new Random(options.seed());
        System.out.printf(Locale.ROOT, "followup chaos %s: %d leads due over %d s, a kill every ~%d s%s, one broker "
                + "restart; seed %d; run directory %s%n", runId, options.leads(), options.spread().toSeconds(),
                options.killEvery().toSeconds(),
                options.kills() > 0 ? " (" + options.kills() + " kills)" : " (until the last task is due)",
                options.seed(), runDir);
        List<ServiceProcess> instances = new ArrayList<>();
        BrokerProcess broker = new BrokerProcess(runDir.resolve("kafka"), LocalPorts.free(), LocalPorts.free(),
                options.kafkaClasspath(), BROKER_JVM, runDir.resolve("kafka").resolve("kafka.log"));
        broker.start(false, BROKER_START);
        ChaosObserver observer = null;
        Map<String, Object> faults = new LinkedHashMap<>();
        List<String> faultLog = new ArrayList<>();
        try {
            String bootstrap = broker.bootstrap();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicProvisioning.provision(admin, 6, (short) 1);
            }
            ChaosFeed feed = new ChaosFeed(bootstrap);
            feed.publishDefinitions();
            Path data = runDir.resolve("executor-data");
            for (String n : List.of("1", "2")) {
                Map<String, String> props = new LinkedHashMap<>();
                props.put("spring.kafka.bootstrap-servers", bootstrap);
                props.put("followup.scheduler.state-dir", runDir.resolve("scheduler-" + n + "-state").toString());
                int port = LocalPorts.free();
                props.put("followup.scheduler.application-server", "localhost:" + port);
                props.putAll(options.schedulerProps());
                instances.add(ServiceProcess.of("scheduler-" + n, options.schedulerJar(),
                        runDir.resolve("scheduler-" + n + ".log")).jvm(JVM).port(port).args(Pipeline.arguments(props))
                        .argFile());
            }
            for (String n : List.of("1", "2")) {
                Map<String, String> props = new LinkedHashMap<>();
                props.put("spring.kafka.bootstrap-servers", bootstrap);
                props.put("followup.executor.channels", "SMS,CALL");
                props.put("followup.executor.data-dir", data.toString());
                instances.add(ServiceProcess.of("executor-" + n, options.executorJar(),
                        runDir.resolve("executor-" + n + ".log")).jvm(JVM).port(LocalPorts.free())
                        .args(Pipeline.arguments(props)).argFile());
            }
            System.out.println("starting 2 schedulers and 2 executors (logs in " + runDir + ")");
            for (ServiceProcess instance : instances) {
                instance.start();
            }
            for (ServiceProcess instance : instances) {
                instance.awaitReady(READY);
            }
            observer = new ChaosObserver(bootstrap);

            Instant firstDue = Instant.now().plus(options.lead());
            long spreadMs = options.spread().toMillis();
            int leads = options.leads();
            long feedStart = System.nanoTime();
            feed.feed(leads, i -> firstDue.plusMillis(spreadMs * i / leads));
            double feedSeconds = (System.nanoTime() - feedStart) / 1e9;
            int expected = 0;
            for (int i = 0; i < leads; i++) {
                expected += ChaosFeed.expectedTasks(i);
            }
            System.out.printf(Locale.ROOT, "fed %d leads in %.1f s: %d tasks expected, first due %s%n", leads,
                    feedSeconds, expected, firstDue);

            Instant lastDue = firstDue.plus(options.spread());
            Instant brokerRestartAt = firstDue.plus(options.brokerRestart());
            boolean brokerRestarted = false;
            int kills = 0;
            Instant nextKill = Instant.now().plus(jitter(options.killEvery(), random));
            CompletableFuture<Void> restarting = CompletableFuture.completedFuture(null);
            Instant hardDeadline = lastDue.plus(options.settle());
            long start = System.currentTimeMillis();
            AtomicLong lastRecovery = new AtomicLong(start);
            // faults until the last task is due (or the kills are spent); then wait until every task has its receipt,
            // or nothing new arrived for --stall (what is missing then is lost), at most --settle after the last due
            long nextProgress = start + PROGRESS_EVERY_MS;
            while (Instant.now().isBefore(hardDeadline)) {
                observer.check();
                Instant now = Instant.now();
                if (now.toEpochMilli() >= nextProgress) {
                    System.out.printf(Locale.ROOT, "+%.0fs emitted %d of %d tasks, %d with a receipt%n",
                            (now.toEpochMilli() - start) / 1e3, observer.tasksEmitted(), expected,
                            observer.tasksWithReceipt());
                    nextProgress = now.toEpochMilli() + PROGRESS_EVERY_MS;
                }
                // --kills N: N kills, also while the pipeline drains after the last due time (a restart can take
                // minutes on a small machine); without it, kills until the last task is due; none once all is done
                boolean killsOver = (options.kills() > 0 ? kills >= options.kills() : now.isAfter(lastDue))
                        || observer.tasksWithReceipt() >= expected;
                if (!brokerRestarted && !now.isBefore(brokerRestartAt)) {
                    String line = String.format(Locale.ROOT, "+%.0fs broker: SIGTERM", (now.toEpochMilli() - start) / 1e3);
                    boolean clean = broker.stop(Duration.ofSeconds(60));
                    broker.start(false, BROKER_START);
                    lastRecovery.set(System.currentTimeMillis());
                    line += (clean ? ", stopped cleanly" : ", killed after 60 s") + ", started again";
                    System.out.println(line);
                    faultLog.add(line);
                    brokerRestarted = true;
                } else if (!killsOver && restarting.isDone() && !now.isBefore(nextKill)) {
                    restarting.join(); // a restart that never got ready fails the run here
                    boolean scheduler = kills % 2 == 0;
                    ServiceProcess victim = instances.get((scheduler ? 0 : 2) + random.nextInt(2));
                    victim.kill();
                    kills++;
                    victim.start();
                    String line = String.format(Locale.ROOT, "+%.0fs kill -9 %s, restarted", (now.toEpochMilli() - start) / 1e3,
                            victim.name());
                    System.out.println(line);
                    faultLog.add(line);
                    // the next kill comes --kill-every after this instance is back
                    restarting = CompletableFuture.runAsync(() -> {
                        try {
                            victim.awaitReady(READY);
                            lastRecovery.set(System.currentTimeMillis());
                        } catch (IOException | InterruptedException e) {
                            throw new CompletionException(e);
                        }
                    });
                    nextKill = Instant.MAX;
                } else if (restarting.isDone() && nextKill.equals(Instant.MAX)) {
                    restarting.join();
                    nextKill = Instant.now().plus(jitter(options.killEvery(), random));
                } else if (brokerRestarted && killsOver && restarting.isDone() && now.isAfter(lastDue)) {
                    // quiet since the last arrival or the end of the last fault, whichever is later: a pipeline
                    // that is still recovering (a restarted instance only just ready) has not stalled yet
                    long quietMillis = System.currentTimeMillis() - Math.max(observer.lastArrival(), lastRecovery.get());
                    if (observer.tasksWithReceipt() >= expected && quietMillis > 10_000) {
                        break; // everything arrived and nothing more for 10 s
                    }
                    if (quietMillis > options.stall().toMillis()) {
                        System.out.printf(Locale.ROOT, "nothing arrived for %d s: what is missing now is lost%n",
                                quietMillis / 1000);
                        break;
                    }
                }
                for (ServiceProcess instance : instances) {
                    if (!instance.isAlive()) {
                        throw new IllegalStateException(instance.name() + " exited by itself; last lines of its log:\n"
                                + instance.tail(40));
                    }
                }
                Thread.sleep(200);
            }
            faults.put("kills", kills);
            faults.put("brokerRestarts", brokerRestarted ? 1 : 0);
            faults.put("log", faultLog);
            System.out.println("stopping the services (SIGTERM), the broker last");
            for (ServiceProcess instance : instances) {
                instance.stop(Duration.ofSeconds(60));
            }
            Map<String, ChaosObserver.Seen> seen = observer.snapshot();
            Map<String, Integer> drafts = drafts(data.resolve("outbox").resolve(ChaosFeed.TENANT));
            ChaosResult result = ChaosResult.of(options.leads(), seen, drafts, observer.orphanReceipts());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("run", runId);
            report.put("options", options.describe());
            report.put("host", Map.of("cores", Runtime.getRuntime().availableProcessors(), "loadAverage", Load.now()));
            report.put("feedSeconds", feedSeconds);
            report.put("faults", faults);
            report.put("result", result.figures());
            System.out.println();
            System.out.print(result.table());
            Path json = options.outDir().toAbsolutePath().resolve(runId + ".json");
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            System.out.println("JSON: " + json);
            return result;
        } finally {
            if (observer != null) {
                observer.close();
            }
            for (ServiceProcess instance : instances) {
                instance.close();
            }
            broker.stop(Duration.ofSeconds(60));
        }
    }

    private static Duration jitter(Duration every, Random random) {
        long ms = every.toMillis();
        return Duration.ofMillis(ms / 2 + (long) (random.nextDouble() * ms));
    }

    /** Draft lines per task id in the outbox files ({@code <channel>.jsonl}) of the tenant. */
    static Map<String, Integer> drafts(Path outbox) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        if (!Files.isDirectory(outbox)) {
            return counts;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        JsonNode node = JSON.readTree(line);
                        counts.merge(node.path("taskId").asString(""), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }
}
