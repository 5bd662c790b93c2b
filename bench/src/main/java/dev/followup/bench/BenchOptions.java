package dev.followup.bench;

import dev.followup.events.DurationText;
import dev.followup.events.v1.Channel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code ./followup bench}: scenarios, then {@code --name value} options.
 *
 * @param scenarios        what to run, in order; {@code ceiling} always first (every rate is compared with it)
 * @param bootstrap        the broker
 * @param schedulerJar     the scheduler's packaged jar (run as a process)
 * @param executorJar      the executor's packaged jar (run as a process)
 * @param outDir           where the JSON and the run's logs, state and recordings go
 * @param timers           N of {@code firing} and {@code burst}
 * @param spread           D of {@code firing}: the timers are due uniformly over it
 * @param warmup           timers fired (and not reported) before the first measured scenario, to warm the JITs
 * @param rate             offered timers per second of {@code rate}
 * @param duration         how long {@code rate} offers them
 * @param ahead            how far ahead of its scheduling each {@code rate} timer is due
 * @param aloneRate        timers per second of the scheduler-alone part of {@code rate} (stored first; 0 skips it)
 * @param aloneDuration    how long the scheduler-alone part's timers come due
 * @param pending          M of {@code pending}
 * @param cancel           timers {@code pending} cancels by id
 * @param pendingAhead     how far in the future the {@code pending} timers are due
 * @param channel          the channel of every timer
 * @param ceilingDuration  how long {@code ceiling} produces (after a 5 s warm-up)
 * @param recordBytes      value size of the {@code ceiling} records
 * @param stall            a scenario gives up waiting when nothing new arrived for this long after its last due time
 * @param profile          record the scheduler and the executor with Java Flight Recorder (a .jfr file per process)
 * @param schedulerJvm     JVM options of the scheduler process
 * @param executorJvm      JVM options of the executor process
 * @param schedulerProps   extra {@code key=value} Spring properties of the scheduler (any the service accepts)
 * @param executorProps    extra {@code key=value} Spring properties of the executor
 * @param keep             keep the run's scheduler state directories and changelog topics
 * @param soakRate         leads captured per second in {@code soak} ({@code --rate} when soak runs; 20)
 * @param soakDuration     how long {@code soak} offers traffic ({@code --minutes})
 * @param retention        {@code soak}: the scheduler's task, enrollment and lead retention and the executor's
 *                         suppression horizon
 * @param sampleEvery      {@code soak}: how often state, heap and open tasks are sampled
 */
record BenchOptions(List<String> scenarios, String bootstrap, Path schedulerJar, Path executorJar, Path outDir,
        int timers, Duration spread, int warmup, int rate, Duration duration, Duration ahead, int aloneRate,
        Duration aloneDuration, int pending, int cancel, Duration pendingAhead, Channel channel,
        Duration ceilingDuration, int recordBytes, Duration stall, boolean profile, List<String> schedulerJvm,
        List<String> executorJvm, Map<String, String> schedulerProps, Map<String, String> executorProps, boolean keep,
        int soakRate, Duration soakDuration, Duration retention, Duration sampleEvery) {

    /** What {@code all} (and no scenario) runs; {@code soak} runs only when named, and alone. */
    static final List<String> SCENARIOS = List.of("ceiling", "firing", "burst", "rate", "pending");
    static final List<String> KNOWN = List.of("ceiling", "firing", "burst", "rate", "pending", "soak");

    /**
     * The channel of the scheduler-alone burst: one the executor does not read ({@link #channel} is the one it does),
     * so the due tasks stay on their topic and only the scheduler works.
     */
    Channel heldChannel() {
        return java.util.Arrays.stream(Channel.values()).filter(c -> c != channel).findFirst().orElseThrow();
    }

    /** The due-task topics the benchmark observes: soak's two channels, else {@link #channel} and {@link #heldChannel}. */
    List<Channel> observedChannels() {
        return runs("soak") ? SoakFeed.CHANNELS : List.of(channel, heldChannel());
    }

    static final String DEFAULT_JVM = "-Xms256m -Xmx512m -XX:+ExitOnOutOfMemoryError";
    private static final Set<String> FLAGS = Set.of("profile", "keep");
    private static final Set<String> REPEATABLE = Set.of("scheduler-prop", "executor-prop");

    static final String USAGE = """
            Usage: ./followup bench [scenario...] [options]

            Measures the real scheduler and executor (their jars, as processes) on a real broker and compares every
            rate with the broker's own transactional produce rate (ceiling). Prints a table and writes JSON.

            Scenarios (default: all, in this order; ceiling always runs first):
              ceiling   transactional produce rate of 200-byte records to a 6-partition topic, one producer
              firing    N timers due uniformly over D s, scheduled first: schedule rate, fired/s, firing lag,
                        due→receipt, lost, duplicates
              burst     N timers all due at one instant, first on a channel the executor does not read (the
                        scheduler alone), then on its channel (the whole pipeline): drain rates, time until the last
              rate      the scheduler alone at a sustained rate (timers stored first, due at R/s on a channel the
                        executor does not read: firing lag), then the whole pipeline at a fixed offered rate, each
                        timer due shortly after it is scheduled: firing lag and due→receipt percentiles
              pending   M timers due far in the future: schedule rate, heap after GC, RSS, RocksDB and changelog
                        bytes per timer; then cancels some by id
              soak      (only when named, and alone) steady traffic with churn for --minutes: leads captured hot
                        (two follow-ups each), a quarter enrolled in a two-step sequence, a quarter replying, a
                        quarter erased; retention of tasks, enrollments and leads set to --retention. Every
                        --sample-every it prints RocksDB and changelog bytes, heap after GC of the scheduler and the
                        executor, open tasks and purged entries; the table over time goes in the JSON

            Options:
              --bootstrap host:port     the broker (./followup passes the local one)
              --timers N                firing and burst timers (100000)
              --spread D                firing: due uniformly over D (20s)
              --warmup N                timers fired before the first measured scenario, not reported (20000)
              --rate R --duration S     rate: R timers/s offered for S (5000, 60s); soak: R leads captured/s (20)
              --minutes N               soak: traffic for N minutes (25; 3 is a smoke run)
              --retention D             soak: retention of tasks, enrollments and leads, and the executor's
                                        suppression horizon (3m)
              --sample-every D          soak: sampling interval (30s)
              --ahead A                 rate: each timer due A after it is scheduled (2s)
              --alone-rate R            rate, scheduler alone: R timers/s come due (50000; 0 skips it)
              --alone-duration S        rate, scheduler alone: for S (10s)
              --pending M --cancel C    pending: M timers (1000000; 10000000 works, ~10x longer), C canceled (10000)
              --pending-ahead A         pending: due A from now, spread over a day (7d)
              --channel C               EMAIL, SMS or CALL (EMAIL)
              --ceiling-duration S      ceiling: measured for S after a 5 s warm-up (10s)
              --record-bytes B          ceiling: value size (200)
              --stall S                 give up on missing timers after S without progress (30s)
              --profile                 Java Flight Recorder on the scheduler and the executor (var/bench/<run>/*.jfr)
              --scheduler-jvm "opts"    scheduler JVM options ("%1$s")
              --executor-jvm "opts"     executor JVM options ("%1$s")
              --scheduler-prop k=v      a Spring property of the scheduler, repeatable
                                        (e.g. followup.scheduler.num-stream-threads=2)
              --executor-prop k=v       a Spring property of the executor, repeatable
              --out-dir DIR             JSON, logs and state of the run (var/bench)
              --keep                    keep the run's state directories and changelog topics
            """.formatted(DEFAULT_JVM);

    static BenchOptions parse(String[] args) {
        List<String> scenarios = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        Map<String, String> schedulerProps = new LinkedHashMap<>();
        Map<String, String> executorProps = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                String scenario = arg.toLowerCase(Locale.ROOT);
                if (scenario.equals("all")) {
                    scenarios.addAll(SCENARIOS);
                } else if (KNOWN.contains(scenario)) {
                    scenarios.add(scenario);
                } else {
                    throw new IllegalArgumentException("unknown scenario '" + arg + "'; one of " + KNOWN + " or all");
                }
                continue;
            }
            String name = arg.substring(2);
            if (FLAGS.contains(name)) {
                named.put(name, "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            String value = args[++i];
            if (REPEATABLE.contains(name)) {
                putProperty(name.startsWith("scheduler") ? schedulerProps : executorProps, name, value);
            } else {
                named.put(name, value);
            }
        }
        List<String> ordered = scenarios.isEmpty() ? SCENARIOS
                : KNOWN.stream().filter(s -> s.equals("ceiling") || scenarios.contains(s)).toList();
        if (ordered.contains("soak") && ordered.size() > 2) {
            throw new IllegalArgumentException("soak runs alone (with ceiling): its executor drafts for real on two "
                    + "channels, got " + ordered);
        }
        Set<String> known = Set.of("bootstrap", "scheduler-jar", "executor-jar", "out-dir", "timers", "spread", "warmup",
                "rate", "duration", "ahead", "alone-rate", "alone-duration", "pending", "cancel", "pending-ahead",
                "channel", "ceiling-duration", "record-bytes", "stall", "profile", "scheduler-jvm", "executor-jvm",
                "keep", "minutes", "retention", "sample-every");
        for (String name : named.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        String bootstrap = named.get("bootstrap");
        if (bootstrap == null || !bootstrap.matches("[^\\s,]+:\\d{1,5}(,[^\\s,]+:\\d{1,5})*")) {
            throw new IllegalArgumentException("--bootstrap host:port is required, got '" + bootstrap + "'");
        }
        boolean needsServices = ordered.size() > 1;
        Path schedulerJar = jar(named, "scheduler-jar", needsServices);
        Path executorJar = jar(named, "executor-jar", needsServices);
        BenchOptions options = new BenchOptions(ordered, bootstrap, schedulerJar, executorJar,
                Path.of(named.getOrDefault("out-dir", "var/bench")),
                positive(named, "timers", 100_000), duration(named, "spread", "20s"),
                atLeast(named, "warmup", 20_000, 0), positive(named, "rate", 5_000), duration(named, "duration", "60s"),
                duration(named, "ahead", "2s"), atLeast(named, "alone-rate", 50_000, 0),
                duration(named, "alone-duration", "10s"), positive(named, "pending", 1_000_000),
                atLeast(named, "cancel", 10_000, 0),
                duration(named, "pending-ahead", "7d"), channel(named.getOrDefault("channel", "EMAIL")),
                duration(named, "ceiling-duration", "10s"), positive(named, "record-bytes", 200),
                duration(named, "stall", "30s"), named.containsKey("profile"),
                words(named.getOrDefault("scheduler-jvm", DEFAULT_JVM)),
                words(named.getOrDefault("executor-jvm", DEFAULT_JVM)), schedulerProps, executorProps,
                named.containsKey("keep"), positive(named, "rate", 20), Duration.ofMinutes(positive(named, "minutes", 25)),
                duration(named, "retention", "3m"), duration(named, "sample-every", "30s"));
        long aloneTimers = options.aloneRate() * options.aloneDuration().toMillis() / 1000;
        if (options.aloneRate() > 0 && (aloneTimers < 2 || aloneTimers > Integer.MAX_VALUE / 2)) {
            throw new IllegalArgumentException("--alone-rate × --alone-duration must be 2 to " + Integer.MAX_VALUE / 2
                    + " timers, got " + aloneTimers);
        }
        if (options.cancel() > options.pending()) {
            throw new IllegalArgumentException("--cancel " + options.cancel() + " is more than --pending "
                    + options.pending());
        }
        return options;
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    /** The options as the JSON shows them. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenarios", scenarios);
        m.put("timers", timers);
        m.put("spreadSeconds", spread.toMillis() / 1000.0);
        m.put("warmup", warmup);
        m.put("rate", rate);
        m.put("durationSeconds", duration.toMillis() / 1000.0);
        m.put("aheadSeconds", ahead.toMillis() / 1000.0);
        m.put("aloneRate", aloneRate);
        m.put("aloneDurationSeconds", aloneDuration.toMillis() / 1000.0);
        m.put("pending", pending);
        m.put("cancel", cancel);
        m.put("channel", channel.name());
        m.put("recordBytes", recordBytes);
        m.put("schedulerJvm", String.join(" ", schedulerJvm));
        m.put("executorJvm", String.join(" ", executorJvm));
        m.put("schedulerProps", schedulerProps);
        m.put("executorProps", executorProps);
        m.put("profile", profile);
        if (runs("soak")) {
            m.put("soakLeadsPerSecond", soakRate);
            m.put("soakMinutes", soakDuration.toMinutes());
            m.put("retentionSeconds", retention.toMillis() / 1000.0);
            m.put("sampleEverySeconds", sampleEvery.toMillis() / 1000.0);
        }
        return m;
    }

    private static Path jar(Map<String, String> named, String name, boolean required) {
        String value = named.get(name);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("--" + name + " is required (./followup passes it)");
            }
            return null;
        }
        Path path = Path.of(value);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new IllegalArgumentException("--" + name + " " + value + " is not a file (build it: ./mvnw -B -DskipTests package)");
        }
        return path;
    }

    private static int positive(Map<String, String> named, String name, int fallback) {
        return atLeast(named, name, fallback, 1);
    }

    private static int atLeast(Map<String, String> named, String name, int fallback, int min) {
        String value = named.get(name);
        if (value == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " '" + value + "' is not a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    private static Duration duration(Map<String, String> named, String name, String fallback) {
        Duration d = DurationText.parse("--" + name, named.getOrDefault(name, fallback));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + named.get(name));
        }
        return d;
    }

    private static Channel channel(String value) {
        try {
            return Channel.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--channel '" + value + "' is not EMAIL, SMS or CALL");
        }
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    /** Adds the {@code key=value} of a repeatable {@code --<option>} (a Spring property of a service) to {@code into}. */
    static void putProperty(Map<String, String> into, String option, String value) {
        int eq = value.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("--" + option + " must be key=value, got '" + value + "'");
        }
        into.put(value.substring(0, eq), value.substring(eq + 1));
    }
}
