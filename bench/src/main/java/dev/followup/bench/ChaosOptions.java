package dev.followup.bench;

import dev.followup.events.DurationText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code ./followup chaos}.
 *
 * @param schedulerJar   the scheduler's packaged jar (two instances run as processes)
 * @param executorJar    the executor's packaged jar (two instances run as processes)
 * @param kafkaClasspath the classpath of the Kafka broker process (the Kafka server jars)
 * @param outDir         where the run's broker data, logs, drafts and JSON go
 * @param leads          leads fed; each gets one task, a sequence lead two; a share is canceled
 * @param spread         the tasks are due uniformly over this span
 * @param lead           the first task is due this long after the feed starts
 * @param killEvery      a random scheduler or executor is killed this long (±50%) after the previous one is back
 * @param kills          how many kills (0: until the last task is due); kinds alternate, scheduler first
 * @param brokerRestart  the broker is restarted (SIGTERM, then started again) this long after the first due time
 * @param settle         after the last due time, how long to wait at most for the pipeline to finish
 * @param stall          after the faults, the run ends when nothing new arrived for this long
 * @param seed           the random seed of the kills (the run prints it)
 * @param schedulerProps Spring properties given to both schedulers ({@code --scheduler-prop k=v}, repeatable)
 */
record ChaosOptions(Path schedulerJar, Path executorJar, String kafkaClasspath, Path outDir, int leads, Duration spread,
        Duration lead, Duration killEvery, int kills, Duration brokerRestart, Duration settle, Duration stall, long seed,
        Map<String, String> schedulerProps) {

    static final String USAGE = """
            Usage: ./followup chaos [options]

            Runs a real single-node broker plus 2 schedulers and 2 executors as processes, feeds leads, bookings,
            sequence enrollments and manual tasks (a tenth of them canceled), kills a random scheduler or executor
            with SIGKILL every ~15 s and restarts it, restarts the broker once, then checks from the topics
            (read_committed) and the drafts: every task emitted once, none early, one terminal receipt and one draft
            per task, nothing for canceled ones. Prints the counts and writes JSON; exit 3 if any is not 0.

            Options:
              --leads N              leads fed (50000); tasks: one each, two per sequence lead
              --spread D             tasks due uniformly over D (120s)
              --lead D               first task due D after the feed starts (45s)
              --kill-every D         a kill every D ±50% after the previous instance is back (15s)
              --kills N              N kills, kinds alternating, also after the last due time while tasks
                                     are outstanding (0 = kills until the last task is due)
              --broker-restart D     restart the broker D after the first due time (40s)
              --settle D             wait at most D after the last due time for the pipeline to finish (30m)
              --stall D              after the faults, stop waiting when nothing arrived for D (120s)
              --seed S               random seed of the kills (time)
              --scheduler-prop k=v   a Spring property of both schedulers, repeatable
                                     (e.g. followup.scheduler.commit-interval=1s)
              --out-dir DIR          run directory root (var/chaos)
              --scheduler-jar, --executor-jar, --kafka-classpath   (./followup passes them)
            """;

    static ChaosOptions parse(String[] args) {
        Map<String, String> named = new LinkedHashMap<>();
        Map<String, String> schedulerProps = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
            }
            if (args[i].equals("--scheduler-prop")) {
                BenchOptions.putProperty(schedulerProps, "scheduler-prop", args[++i]);
                continue;
            }
            named.put(args[i].substring(2), args[++i]);
        }
        Set<String> known = Set.of("scheduler-jar", "executor-jar", "kafka-classpath", "out-dir", "leads", "spread",
                "lead", "kill-every", "kills", "broker-restart", "settle", "stall", "seed");
        for (String name : named.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return new ChaosOptions(jar(named, "scheduler-jar"), jar(named, "executor-jar"),
                named.getOrDefault("kafka-classpath", System.getProperty("java.class.path")),
                Path.of(named.getOrDefault("out-dir", "var/chaos")), number(named, "leads", 50_000, 1),
                duration(named, "spread", "120s"), duration(named, "lead", "45s"), duration(named, "kill-every", "15s"),
                number(named, "kills", 0, 0), duration(named, "broker-restart", "40s"), duration(named, "settle", "30m"), duration(named, "stall", "120s"),
                named.containsKey("seed") ? Long.parseLong(named.get("seed")) : System.nanoTime(),
                Map.copyOf(schedulerProps));
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leads", leads);
        m.put("spreadSeconds", spread.toSeconds());
        m.put("leadSeconds", lead.toSeconds());
        m.put("killEverySeconds", killEvery.toSeconds());
        m.put("kills", kills);
        m.put("brokerRestartSeconds", brokerRestart.toSeconds());
        m.put("settleSeconds", settle.toSeconds());
        m.put("stallSeconds", stall.toSeconds());
        m.put("seed", seed);
        m.put("schedulerProps", schedulerProps);
        return m;
    }

    private static Path jar(Map<String, String> named, String name) {
        String value = named.get(name);
        if (value == null || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalArgumentException("--" + name + " must name the packaged jar, got '" + value
                    + "' (build it: ./mvnw -B -DskipTests package)");
        }
        return Path.of(value);
    }

    private static int number(Map<String, String> named, String name, int fallback, int min) {
        String value = named.get(name);
        try {
            int n = value == null ? fallback : Integer.parseInt(value.replace("_", ""));
            if (n < min) {
                throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " '" + value + "' is not a whole number");
        }
    }

    private static Duration duration(Map<String, String> named, String name, String fallback) {
        Duration d = DurationText.parse("--" + name, named.getOrDefault(name, fallback));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + named.get(name));
        }
        return d;
    }
}
