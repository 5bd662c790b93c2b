package dev.followup.local;

import dev.followup.stack.BrokerProcess;
import dev.followup.stack.ChildProcess;
import dev.followup.stack.LocalPorts;
import dev.followup.stack.ServiceProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ./followup up|demo|down|status|bench}: starts the broker and the three services as processes of their own
 * session (their pids in {@code var/run}, so {@code down} and {@code status} work from any terminal), waits until they
 * are ready and supervises them. On SIGINT, SIGTERM or SIGHUP a shutdown hook stops the services first, then the
 * broker: whatever became of stdout (a closed pipe swallows the messages, not the stopping).
 */
final class LocalStack {

    private static final Duration KAFKA_START = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** A reason to give up, printed as {@code followup: <message>} with exit status 1. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    private final StackSettings settings;
    private final PrintStream out = System.out;
    private final Object lock = new Object();
    /** Something of the stack is ours to stop on a signal (guarded by lock). */
    private boolean owning;
    /** Stopping began: start nothing more (guarded by lock). */
    private boolean stopping;
    /** Done when whoever stops the stack (the main thread or the shutdown hook) finished (guarded by lock). */
    private CompletableFuture<Void> stopped;
    /** bench: only the broker is ours, and the benchmark process stops its own services. */
    private Process benchmark;
    private boolean brokerOnly;

    LocalStack(StackSettings settings) {
        this.settings = settings;
    }

    int up(boolean detach) throws Exception {
        Thread hook = stopOnSignal();
        startAll();
        if (detach) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook); // the stack outlives this process
            } catch (IllegalStateException e) {
                // a signal came just now: the hook is stopping the stack
            }
            return 0;
        }
        own();
        out.println();
        out.println("Running. Ctrl-C stops everything (./followup down from another terminal does too).");
        Set<String> reported = new HashSet<>();
        while (!isStopping()) {
            if (running("kafka").isEmpty()) {
                say("kafka stopped");
                stopOnce(false);
                return 0;
            }
            for (String s : StackSettings.SERVICES) {
                if (running(s).isEmpty() && reported.add(s)) {
                    say(s + " exited; see " + settings.shown(settings.log(s)));
                }
            }
            Thread.sleep(1000);
        }
        return 0; // the shutdown hook stops the stack
    }

    /** A line of the supervision, unless stopping began: then the hook's lines are the ones to read. */
    private void say(String line) {
        synchronized (lock) {
            if (!stopping) {
                out.println(line);
            }
        }
    }

    int demo() throws Exception {
        stopOnSignal();
        startAll();
        own();
        out.println();
        try {
            Demo.run(settings.bootstrap(), settings.url("ingest"), settings.url("scheduler"), settings.demoApiKey(),
                    settings.var());
        } catch (Exception e) {
            if (!isStopping()) {
                System.err.println("followup: the demo stopped: " + e);
            }
        }
        stopOnce(false);
        return 0;
    }

    /** Stops the services (SIGTERM to all, then up to 30 s each), then the broker; the data stays. */
    void down() throws InterruptedException {
        step("stopping services, then Kafka");
        List<ChildProcess> services = new ArrayList<>();
        for (String s : StackSettings.SERVICES) {
            running(s).ifPresent(p -> {
                p.terminate();
                services.add(p);
            });
        }
        for (ChildProcess p : services) {
            stop(p);
        }
        for (String s : StackSettings.SERVICES) {
            forget(s);
        }
        Optional<ChildProcess> kafka = running("kafka");
        if (kafka.isPresent()) {
            stop(kafka.get());
        }
        forget("kafka");
    }

    int status() throws Exception {
        String row = "%-10s %-8s %-8s %-30s %-9s %s%n";
        out.printf(row, "process", "pid", "health", "url", "rss", "heap flags");
        for (String name : names()) {
            Optional<ChildProcess> p = running(name);
            String pid = p.map(c -> Long.toString(c.pid())).orElse("-");
            String rss = "-";
            StringBuilder flags = new StringBuilder();
            if (p.isPresent()) {
                rss = p.get().rssBytes() / (1024 * 1024) + " MiB";
                p.get().arguments().stream().filter(a -> a.matches("-Xm[sx].*")).forEach(a -> flags.append(a).append(' '));
            }
            String url = name.equals("kafka") ? settings.bootstrap() : settings.url(name);
            out.printf(row, name, pid, health(name), url, rss, flags);
        }
        return 0;
    }

    /**
     * {@code ./followup bench}: the benchmark (its own JVM, on this terminal) against the running broker, or a broker of
     * its own with data in {@code var/bench/kafka} (so the stack's topics stay free of benchmark timers), stopped
     * afterwards; or against {@code --bootstrap host:port}.
     */
    int bench(List<String> options) throws Exception {
        boolean external = options.contains("--bootstrap");
        List<String> args = new ArrayList<>(options);
        if (!external) {
            for (String s : List.of("scheduler", "executor")) {
                if (running(s).isPresent()) {
                    throw new Failure("the local stack's " + s + " is running and would take the benchmark's timers: "
                            + "stop the stack (./followup down); bench starts the broker alone");
                }
            }
        }
        Files.createDirectories(settings.logs());
        brokerOnly = true;
        stopOnSignal();
        if (!external) {
            if (running("kafka").isPresent()) {
                out.println("    using the running broker on " + settings.bootstrap());
                for (int i = 0; i < 240 && !LocalPorts.listening(settings.kafkaPort()); i++) {
                    Thread.sleep(500);
                }
            } else {
                if (LocalPorts.listening(settings.kafkaPort())) {
                    throw new Failure("port " + settings.kafkaPort() + " is in use by something this checkout did not "
                            + "start; use --bootstrap host:port or FOLLOWUP_KAFKA_PORT");
                }
                startKafka(settings.var().resolve("bench/kafka"));
            }
            createTopics();
            args.addAll(0, List.of("--bootstrap", settings.bootstrap()));
        }
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(settings.benchHeap());
        command.addAll(List.of("-cp", settings.benchClasspath(), "dev.followup.bench.Benchmark",
                "--scheduler-jar", settings.serviceJar("scheduler").toString(),
                "--executor-jar", settings.serviceJar("executor").toString(),
                "--out-dir", settings.var().resolve("bench").toString()));
        command.addAll(args);
        synchronized (lock) {
            if (stopping) {
                return 130;
            }
            benchmark = new ProcessBuilder(command).inheritIO().start();
        }
        int code = benchmark.waitFor();
        stopOnce(false);
        return code;
    }

    // --- starting

    private void startAll() throws Exception {
        Files.createDirectories(settings.run());
        Files.createDirectories(settings.logs());
        checkPorts();
        startKafka(settings.var().resolve("kafka"));
        createTopics();
        step("starting ingest, scheduler and executor (logs in " + settings.shown(settings.logs()) + ")");
        for (String s : StackSettings.SERVICES) {
            startService(s);
        }
        step("waiting until each service is ready");
        awaitReady();
        printTable();
    }

    private void checkPorts() {
        List<String> busy = new ArrayList<>();
        if (running("kafka").isEmpty()) {
            if (LocalPorts.listening(settings.kafkaPort())) {
                busy.add(settings.kafkaPort() + " (kafka)");
            }
            if (LocalPorts.listening(settings.controllerPort())) {
                busy.add(settings.controllerPort() + " (kafka controller)");
            }
        }
        for (String s : StackSettings.SERVICES) {
            if (running(s).isEmpty() && LocalPorts.listening(settings.ports().get(s))) {
                busy.add(settings.ports().get(s) + " (" + s + ")");
            }
        }
        if (!busy.isEmpty()) {
            throw new Failure("port(s) already in use: " + String.join(" ", busy)
                    + ". Stop what uses them or choose others (FOLLOWUP_*_PORT, see --help).");
        }
    }

    private void startKafka(Path dir) throws Exception {
        Optional<ChildProcess> running = running("kafka");
        if (running.isPresent()) {
            out.println("    kafka already running (pid " + running.get().pid() + ")");
            return;
        }
        String logShown = settings.shown(settings.log("kafka"));
        BrokerProcess broker = new BrokerProcess(dir, settings.kafkaPort(), settings.controllerPort(),
                settings.kafkaClasspath(), settings.kafkaJvm(), settings.log("kafka"));
        if (!broker.isFormatted()) {
            step("formatting Kafka storage in " + settings.shown(dir) + " (first time)");
        }
        try {
            broker.format();
        } catch (IllegalStateException e) {
            throw new Failure("formatting Kafka storage failed; see " + logShown);
        }
        step("starting Kafka on " + settings.bootstrap() + " (data in " + settings.shown(dir) + ")");
        synchronized (lock) {
            refuseIfStopping();
            remember(broker.launch(true));
            owning = true;
        }
        try {
            broker.awaitListening(KAFKA_START);
        } catch (IllegalStateException e) {
            throw new Failure(isStopping() ? null : e.getMessage().replace(settings.log("kafka").toString(), logShown));
        }
    }

    private void createTopics() {
        step("creating topics (if missing)");
        try {
            TopicProvisioner.provision(settings.bootstrap());
        } catch (Exception e) {
            System.err.println(e);
            throw new Failure("topic creation failed");
        }
    }

    private void startService(String s) throws IOException {
        Optional<ChildProcess> running = running(s);
        if (running.isPresent()) {
            out.println("    " + s + " already running (pid " + running.get().pid() + ")");
            return;
        }
        List<String> args = new ArrayList<>(List.of("--spring.profiles.active=local",
                "--spring.kafka.bootstrap-servers=" + settings.bootstrap()));
        switch (s) {
            case "scheduler" -> args.add("--followup.scheduler.state-dir=" + settings.var().resolve("scheduler-state"));
            case "executor" -> {
                args.add("--followup.executor.data-dir=" + settings.var());
                // the drafts' List-Unsubscribe links point at this stack's ingest, whatever port it listens on
                args.add("--followup.unsubscribe.base-url=" + settings.url("ingest"));
            }
            default -> {
            }
        }
        ServiceProcess service = ServiceProcess.of(s, settings.serviceJar(s), settings.log(s)).jvm(settings.serviceJvm())
                .port(settings.ports().get(s)).args(args).workDir(settings.root()).ownSession();
        synchronized (lock) {
            refuseIfStopping();
            remember(service.start().process());
            owning = true;
        }
    }

    private void awaitReady() throws Exception {
        Map<String, String> pending = new LinkedHashMap<>();
        StackSettings.SERVICES.forEach(s -> pending.put(s, settings.url(s) + "/actuator/health/readiness"));
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline && !isStopping()) {
            pending.entrySet().removeIf(e -> {
                boolean ready = ServiceProcess.isReady(e.getValue());
                if (ready) {
                    out.println("  ready: " + e.getKey());
                }
                return ready;
            });
            if (pending.keySet().stream().anyMatch(s -> running(s).isEmpty())) {
                break; // one exited: waiting longer helps nothing
            }
            Thread.sleep(500);
        }
        if (pending.isEmpty() || isStopping()) {
            return;
        }
        System.err.println("not ready after " + settings.readyTimeout().toSeconds() + " s: "
                + String.join(", ", pending.keySet()));
        for (String s : StackSettings.SERVICES) {
            if (running(s).isEmpty()) {
                out.println("    " + s + " exited; last lines of " + settings.shown(settings.log(s)) + ":");
                out.println(tail(s));
            }
        }
        stopOnce(false);
        throw new Failure("the stack did not become ready");
    }

    private String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(settings.log(name));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void printTable() {
        String row = "%-10s %-32s %-8s %s%n";
        out.println();
        out.printf(row, "service", "url", "health", "log");
        for (String name : names()) {
            String url = name.equals("kafka") ? settings.bootstrap() : settings.url(name);
            out.printf(row, name, url, health(name), settings.shown(settings.log(name)));
        }
        out.print("""

                Local tenants: acme (API key dev-acme-key), globex (API key dev-globex-key).
                Ops console: %1$s/console (enter an API key; queue, lead journeys, receipts, retry).
                Try: curl -H 'Authorization: Bearer dev-acme-key' -H 'Content-Type: application/json' \\
                       -d '{"leadId":"lead-1","name":"Ada","email":"ada@example.com","predProb":0.9}' %2$s/v1/leads
                Drafts: %3$s/mail/<tenant>/Drafts/new/ (email), %3$s/outbox/<tenant>/<channel>.jsonl (SMS, call).
                """.formatted(settings.url("scheduler"), settings.url("ingest"), settings.shown(settings.var())));
    }

    private String health(String name) {
        if (running(name).isEmpty()) {
            return "DOWN";
        }
        if (name.equals("kafka")) {
            return "UP";
        }
        return ServiceProcess.isReady(settings.url(name) + "/actuator/health/readiness") ? "UP" : "STARTING";
    }

    // --- stopping

    /** The hook for SIGINT, SIGTERM and SIGHUP: stop what is ours, services first; a benchmark stops its own. */
    private Thread stopOnSignal() {
        Thread hook = new Thread(() -> {
            try {
                Process bench;
                synchronized (lock) {
                    bench = benchmark;
                }
                if (bench != null) {
                    stopBenchmark(bench);
                }
                stopOnce(bench == null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "followup-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private void stopBenchmark(Process bench) throws InterruptedException {
        synchronized (lock) {
            stopping = true;
        }
        bench.destroy(); // it stops its scheduler and executor, then exits
        if (!bench.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
            bench.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private void own() {
        synchronized (lock) {
            owning = true;
        }
    }

    /**
     * Stops what is ours, once: the first caller stops it, a later one (the hook while the main thread stops it, or
     * the other way round) waits until that is done, so the JVM does not end half-way.
     */
    private void stopOnce(boolean blankLine) throws InterruptedException {
        CompletableFuture<Void> mine = null;
        CompletableFuture<Void> other;
        synchronized (lock) {
            stopping = true;
            if (stopped == null && owning) {
                stopped = mine = new CompletableFuture<>();
            }
            other = stopped;
        }
        if (mine == null) {
            if (other != null) {
                other.join();
            }
            return;
        }
        try {
            if (blankLine) {
                out.println();
            }
            if (brokerOnly) {
                Optional<ChildProcess> kafka = running("kafka");
                if (kafka.isPresent()) {
                    stop(kafka.get());
                }
                forget("kafka");
            } else {
                down();
            }
        } finally {
            mine.complete(null);
        }
    }

    private boolean isStopping() {
        synchronized (lock) {
            return stopping;
        }
    }

    private void refuseIfStopping() {
        if (stopping) {
            throw new Failure(null); // a signal came: the hook stops what started
        }
    }

    private void stop(ChildProcess p) throws InterruptedException {
        p.terminate();
        if (!p.awaitExit(STOP_GRACE)) {
            out.println("    " + p.name() + " did not stop in " + STOP_GRACE.toSeconds() + " s; killing it");
            p.kill();
        }
        out.println("    stopped " + p.name());
    }

    // --- pid files

    private List<String> names() {
        List<String> names = new ArrayList<>(List.of("kafka"));
        names.addAll(StackSettings.SERVICES);
        return names;
    }

    private Path pidFile(String name) {
        return settings.run().resolve(name + ".pid");
    }

    /** The process recorded in {@code var/run/<name>.pid}, if it is alive. */
    Optional<ChildProcess> running(String name) {
        try {
            Path file = pidFile(name);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            return ChildProcess.attach(name, Long.parseLong(Files.readString(file).trim()), settings.log(name));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void remember(ChildProcess p) throws IOException {
        Files.createDirectories(settings.run());
        Files.writeString(pidFile(p.name()), p.pid() + "\n");
    }

    private void forget(String name) {
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            // a stale pid file names a process that is gone: harmless
        }
    }

    private void step(String text) {
        out.println("==> " + text);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
