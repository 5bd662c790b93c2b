package dev.followup.bench;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scenarios where timers fire, on one warmed-up pipeline: {@code firing}, {@code burst} and {@code rate}. Each
 * uses its own tenant, waits for every due task and every receipt (or gives up after {@code --stall} without
 * progress) and reports what arrived.
 */
final class FiringScenarios {

    /** The scheduler's ingest rate assumed before the warm-up measured one. */
    private static final double ASSUMED_SCHEDULE_RATE = 5_000;
    private static final long PROGRESS_EVERY_MS = 10_000;
    /** The longest the cold first half of the warm-up may take to be scheduled. */
    private static final Duration COLD_WARMUP = Duration.ofMinutes(5);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final BenchOptions options;
    private final Pipeline pipeline;
    private final BrokerView broker;
    private final double ceiling;
    private double scheduleRate = ASSUMED_SCHEDULE_RATE;
    private final List<String> warmupNotes = new ArrayList<>();

    FiringScenarios(BenchOptions options, Pipeline pipeline, BrokerView broker, double ceiling) {
        this.options = options;
        this.pipeline = pipeline;
        this.broker = broker;
        this.ceiling = ceiling;
    }

    /** Fires {@code --warmup} timers (not reported) so the JITs of all three processes have compiled the hot paths. */
    void warmUp() throws Exception {
        if (options.warmup() == 0) {
            return;
        }
        String tenant = pipeline.tenant("warmup");
        int n = options.warmup();
        Tracking t = pipeline.observer.track(tenant, n);
        // two halves: the first is due at once and compiles the hot paths of scheduling and firing (cold: minutes on
        // a slow machine); the second, due after it is scheduled, gives the schedule rate the scenarios plan their
        // due times with (planning from the cold rate made them wait minutes for their first due time)
        int half = n / 2;
        double coldRate = ASSUMED_SCHEDULE_RATE;
        if (half > 0) {
            long coldStart = System.nanoTime();
            long dueNow = System.currentTimeMillis() + 1_000;
            pipeline.feed.schedule(tenant, 0, half, i -> dueNow + i * 1000L / half);
            coldRate = half / ((broker.awaitConsumed(pipeline.appId(), Topics.COMMANDS, COLD_WARMUP) - coldStart) / 1e9);
        }
        long firstDue = System.currentTimeMillis() + 3_000 + (long) ((n - half) / coldRate * 1000);
        long sendStart = System.nanoTime();
        pipeline.feed.schedule(tenant, half, n, i -> firstDue + (i - half) * 1000L / (n - half));
        long consumed = broker.awaitConsumed(pipeline.appId(), Topics.COMMANDS, COLD_WARMUP);
        scheduleRate = (n - half) / ((consumed - sendStart) / 1e9);
        awaitDone(t, firstDue + 1000, true);
        pipeline.observer.untrack(t);
        // then as many due at one instant on the channel the executor does not read: a drain fires in large batches,
        // code paths the paced halves leave to the interpreter and C1; without it, C2 compiled them for about a second
        // of CPU inside the 2 s the scheduler-alone burst was measured in (a long-running scheduler has them compiled)
        Tracking drain = pipeline.observer.track(pipeline.tenant("warmup-burst"), n);
        long drainDue = System.currentTimeMillis() + plannedSchedulingMillis(n);
        pipeline.feed.schedule(drain.tenant, 0, n, i -> drainDue, options.heldChannel());
        broker.awaitConsumed(pipeline.appId(), Topics.COMMANDS, COLD_WARMUP);
        awaitDone(drain, drainDue, false);
        pipeline.observer.untrack(drain);
        warmupNotes.add(String.format(Locale.ROOT, "warm-up before the first scenario: %,d timers (the second half scheduled at %,.0f/s, "
                + "%,d fired, %,d receipts), then %,d due at one instant on %s (%,d fired), not reported", n,
                scheduleRate, t.firedCount(), t.receivedCount(), n, options.heldChannel(), drain.firedCount()));
        System.out.println(warmupNotes.get(warmupNotes.size() - 1));
    }

    /** N timers due uniformly over D, all scheduled before the first is due. */
    ScenarioResult firing() throws Exception {
        long started = System.nanoTime();
        double[] loadStart = Load.now();
        String tenant = pipeline.tenant("firing");
        int n = options.timers();
        long spread = options.spread().toMillis();
        Tracking t = pipeline.observer.track(tenant, n);
        List<String> notes = new ArrayList<>(warmupNotes);
        warmupNotes.clear();
        Stored stored = store(t, options.channel(), spread, notes);
        long firstDue = stored.firstDue();
        long lastDue = firstDue + (n - 1) * spread / n;
        long windowStart = System.currentTimeMillis();
        awaitDone(t, lastDue, true);
        pipeline.observer.untrack(t);

        double offered = n / (spread / 1000.0);
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.rate("schedule_per_s", "schedule rate (sent → scheduler consumed)", stored.scheduleRate(),
                ceiling));
        figures.add(Figure.rate("fired_per_s", "fired/s (first → last emittedAt)", firedPerSecond(t), ceiling));
        figures.addAll(latencies(t, offered));
        figures.addAll(integrity(t));
        notes.add(String.format(Locale.ROOT, "%,d timers due uniformly over %d s (offered %,.0f/s); the feed sent them "
                + "in %.1f s (%,.0f/s)", n, spread / 1000, offered, stored.sendSeconds(), n / stored.sendSeconds()));
        notes.add(window(Math.min(windowStart, firstDue), System.currentTimeMillis()));
        problems(t, notes);
        return new ScenarioResult("firing", (System.nanoTime() - started) / 1e9, loadStart, Load.now(), figures, notes);
    }

    /**
     * N timers all due at the same instant, twice: first on a channel the executor does not read, so the scheduler
     * drains alone (the goal's measure: emission on the due-task topic); then on the executor's channel, the whole
     * pipeline draining together (the executor and the receipts back into the scheduler share the cores).
     */
    ScenarioResult burst() throws Exception {
        long started = System.nanoTime();
        double[] loadStart = Load.now();
        int n = options.timers();
        List<String> notes = new ArrayList<>(warmupNotes);
        warmupNotes.clear();

        Tracking alone = pipeline.observer.track(pipeline.tenant("burst-alone"), n);
        long aloneDue = store(alone, options.heldChannel(), 0, notes).firstDue();
        awaitDone(alone, aloneDue, false);
        pipeline.observer.untrack(alone);
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.rate("alone_drain_fired_per_s", "scheduler alone: drain, fired/s (first → last emittedAt)",
                firedPerSecond(alone), ceiling).atLeast(80_000));
        figures.add(Figure.quantity("alone_last_fired_after_due_s", "scheduler alone: last fired after the due instant",
                seconds(alone.lastEmitted() - aloneDue), "s"));
        figures.add(Figure.latency("alone_firing_lag_ms", "scheduler alone: firing lag (emittedAt − dueAt)",
                alone.firingLag.summary()));
        figures.addAll(firingIntegrity(alone, "alone_", "scheduler alone: "));
        notes.add(String.format(Locale.ROOT, "scheduler alone: %,d timers on %s, which the executor does not read, all "
                + "due at the same instant; %s", n, options.heldChannel(),
                window(aloneDue, alone.lastEmitted() + 1)));
        problems(alone, notes);

        Tracking t = pipeline.observer.track(pipeline.tenant("burst"), n);
        Stored burst = store(t, options.channel(), 0, notes);
        long due = burst.firstDue();
        awaitDone(t, due, true);
        pipeline.observer.untrack(t);
        figures.add(Figure.rate("schedule_per_s", "schedule rate (sent → scheduler consumed)", burst.scheduleRate(),
                ceiling));
        figures.add(Figure.rate("drain_fired_per_s", "with the executor: scheduler drain, fired/s", firedPerSecond(t),
                ceiling));
        figures.add(Figure.quantity("last_fired_after_due_s", "with the executor: last fired after the due instant",
                seconds(t.lastEmitted() - due), "s"));
        figures.add(Figure.rate("drain_receipts_per_s", "pipeline drain, receipts/s (first → last receipt)",
                receiptsPerSecond(t), ceiling).atLeast(25_000));
        figures.add(Figure.quantity("last_receipt_after_due_s", "last receipt after the due instant",
                seconds(t.lastReceipt() - due), "s"));
        figures.add(Figure.latency("firing_lag_ms", "firing lag (emittedAt − dueAt)", t.firingLag.summary()));
        figures.addAll(integrity(t));
        notes.add(String.format(Locale.ROOT, "whole pipeline: %,d timers on %s all due at the same instant; %s", n,
                options.channel(), window(due, System.currentTimeMillis())));
        problems(t, notes);
        return new ScenarioResult("burst", (System.nanoTime() - started) / 1e9, loadStart, Load.now(), figures, notes);
    }

    /** A scheduling of timers: the first one's due time, the schedule rate, how long the feed took to send them. */
    private record Stored(long firstDue, double scheduleRate, double sendSeconds) {
    }

    /**
     * Schedules {@code t}'s timers on {@code channel}, the first due once all should be in, the others uniformly over
     * {@code spanMillis} after it (0: all at one instant); waits until the scheduler consumed them (the next scenario
     * plans with the rate it took) and notes it if that was after the first was due.
     */
    private Stored store(Tracking t, Channel channel, long spanMillis, List<String> notes) throws Exception {
        int n = t.expected;
        long firstDue = System.currentTimeMillis() + plannedSchedulingMillis(n);
        long sendStart = System.nanoTime();
        pipeline.feed.schedule(t.tenant, 0, n, i -> firstDue + i * spanMillis / n, channel);
        double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
        long consumed = broker.awaitConsumed(pipeline.appId(), Topics.COMMANDS, timeoutFor(n));
        long consumedWall = System.currentTimeMillis();
        double rate = n / ((consumed - sendStart) / 1e9);
        if (rate > 0 && Double.isFinite(rate)) {
            scheduleRate = rate; // the warm-up's estimate, from 10k timers, is several times too low for 500k
        }
        if (consumedWall > firstDue) {
            notes.add(String.format(Locale.ROOT, "%s: scheduling was still running %.1f s after the first timer was due "
                    + "(firing and scheduling overlapped)", channel, (consumedWall - firstDue) / 1000.0));
        }
        return new Stored(firstDue, rate, sendSeconds);
    }

    /**
     * The scheduler alone at {@code --alone-rate} (timers stored first, due uniformly over {@code --alone-duration} on
     * a channel the executor does not read: the goal's "sustained" measure); then the whole pipeline at {@code --rate},
     * each timer due {@code --ahead} after it is scheduled.
     */
    ScenarioResult rate() throws Exception {
        long started = System.nanoTime();
        double[] loadStart = Load.now();
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>(warmupNotes);
        warmupNotes.clear();
        if (options.aloneRate() > 0) {
            sustainedAlone(figures, notes);
        }
        String tenant = pipeline.tenant("rate");
        long total = (long) options.rate() * options.duration().toSeconds();
        if (total > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("--rate × --duration is too many timers: " + total);
        }
        int n = (int) total;
        Tracking t = pipeline.observer.track(tenant, n);
        long windowStart = System.currentTimeMillis();
        double offered = pipeline.feed.schedulePaced(tenant, n, options.rate(), options.ahead());
        awaitDone(t, System.currentTimeMillis() + options.ahead().toMillis(), true);
        pipeline.observer.untrack(t);

        figures.add(Figure.rate("offered_per_s", "offered (ScheduleTask sent)", offered, ceiling));
        figures.add(Figure.rate("fired_per_s", "fired/s (first → last emittedAt)", firedPerSecond(t), ceiling));
        figures.add(Figure.rate("receipts_per_s", "receipts/s (first → last receipt)", receiptsPerSecond(t), ceiling));
        figures.addAll(latencies(t, offered));
        figures.addAll(integrity(t));
        notes.add(String.format(Locale.ROOT, "whole pipeline: %,d timers offered at %,d/s for %d s, each due %d s after "
                + "it was sent", n, options.rate(), options.duration().toSeconds(), options.ahead().toSeconds()));
        notes.add(window(windowStart, System.currentTimeMillis()));
        problems(t, notes);
        return new ScenarioResult("rate", (System.nanoTime() - started) / 1e9, loadStart, Load.now(), figures, notes);
    }

    /** Timers stored first, then due at {@code --alone-rate} for {@code --alone-duration} on the held channel. */
    private void sustainedAlone(List<Figure> figures, List<String> notes) throws Exception {
        long span = options.aloneDuration().toMillis();
        int n = (int) (options.aloneRate() * span / 1000); // BenchOptions checked the range
        Tracking t = pipeline.observer.track(pipeline.tenant("rate-alone"), n);
        long firstDue = store(t, options.heldChannel(), span, notes).firstDue();
        long lastDue = firstDue + (n - 1) * span / n;
        awaitDone(t, lastDue, false);
        pipeline.observer.untrack(t);
        double offered = n / (span / 1000.0);
        figures.add(Figure.rate("alone_due_per_s", "scheduler alone: due per second (timers stored first)", offered,
                ceiling));
        figures.add(Figure.rate("alone_fired_per_s", "scheduler alone: fired/s (first → last emittedAt)",
                firedPerSecond(t), ceiling));
        Figure lag = Figure.latency("alone_firing_lag_ms", "scheduler alone: firing lag (emittedAt − dueAt)",
                t.firingLag.summary());
        figures.add(offered >= 49_500 ? lag.atMost(1_000) : offered <= 5_050 ? lag.atMost(100) : lag);
        figures.addAll(firingIntegrity(t, "alone_", "scheduler alone: "));
        notes.add(String.format(Locale.ROOT, "scheduler alone: %,d timers on %s, which the executor does not read, "
                + "stored first, then due uniformly over %d s (%,.0f/s); %s", n, options.heldChannel(), span / 1000,
                offered, window(firstDue, t.lastEmitted() + 1)));
        problems(t, notes);
    }

    /**
     * Latency figures, with the goals that apply at the offered rate: at up to 5k/s firing lag p99 ≤ 100 ms and
     * due→receipt p99 ≤ 500 ms; at 50k/s or more firing lag p99 ≤ 1 s.
     */
    private static List<Figure> latencies(Tracking t, double offered) {
        Figure lag = Figure.latency("firing_lag_ms", "firing lag (emittedAt − dueAt)", t.firingLag.summary());
        Figure visible = Figure.latency("due_to_visible_ms", "due → due task visible (read_committed)",
                t.dueToVisible.medianAndP99());
        Figure receipt = Figure.latency("due_to_receipt_ms", "due → receipt visible (read_committed)",
                t.dueToReceipt.medianAndP99());
        if (offered <= 5_050) {
            lag = lag.atMost(100);
            receipt = receipt.atMost(500);
        } else if (offered >= 49_500) { // a paced feed offers a hair under what it was asked for
            lag = lag.atMost(1_000);
        }
        return List.of(lag, visible, receipt);
    }

    private static List<Figure> firingIntegrity(Tracking t, String keyPrefix, String labelPrefix) {
        return List.of(
                Figure.count(keyPrefix + "lost", labelPrefix + "lost (expected − fired)", t.expected - t.firedCount())
                        .atMost(0),
                Figure.count(keyPrefix + "duplicates", labelPrefix + "duplicates (task ids emitted twice)",
                        t.duplicateFires()).atMost(0),
                Figure.count(keyPrefix + "early", labelPrefix + "fired before due", t.firingLag.negative()).atMost(0));
    }

    private static List<Figure> integrity(Tracking t) {
        List<Figure> figures = new ArrayList<>(firingIntegrity(t, "", ""));
        figures.addAll(List.of(
                Figure.count("receipts_missing", "receipts missing (expected − received)",
                        t.expected - t.receivedCount()).atMost(0),
                Figure.count("receipts_duplicate", "duplicate receipts", t.duplicateReceipts()).atMost(0)));
        return figures;
    }

    private static void problems(Tracking t, List<String> notes) {
        if (t.notDrafted() > 0 || t.notNoop() > 0 || t.foreign() > 0) {
            notes.add(String.format(Locale.ROOT, "unexpected: %d receipts not DRAFTED, %d not from the noop provider, "
                    + "%d records of unknown leads; last: %s", t.notDrafted(), t.notNoop(), t.foreign(), t.lastProblem()));
        } else if (t.lastProblem() != null) {
            notes.add("last problem seen: " + t.lastProblem());
        }
    }

    private static double firedPerSecond(Tracking t) {
        long span = t.lastEmitted() - t.firstEmitted();
        return t.firedCount() < 2 ? Double.NaN : t.firedCount() / (Math.max(span, 1) / 1000.0);
    }

    private static double receiptsPerSecond(Tracking t) {
        long span = t.lastReceipt() - t.firstReceipt();
        return t.receivedCount() < 2 ? Double.NaN : t.receivedCount() / (Math.max(span, 1) / 1000.0);
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    private static String window(long fromMillis, long toMillis) {
        return "measured window " + CLOCK.format(Instant.ofEpochMilli(fromMillis)) + " – "
                + CLOCK.format(Instant.ofEpochMilli(toMillis)) + " (local time; to match a flight recording)";
    }

    /** How long scheduling {@code n} timers should take, with room: 3 s plus n at 60% of the measured rate. */
    private long plannedSchedulingMillis(int n) {
        return 3_000 + (long) (n / (scheduleRate * 0.6) * 1000);
    }

    private Duration timeoutFor(int n) {
        return Duration.ofSeconds(120).plusMillis((long) (n / Math.min(scheduleRate, 1_000) * 1000));
    }

    /**
     * Waits until every timer fired and (if {@code receipts}) has its receipt, or until nothing arrived for
     * {@code --stall} after the last due time; then one more second, so a late duplicate is still counted.
     */
    private void awaitDone(Tracking t, long lastDueMillis, boolean receipts) throws Exception {
        long stall = options.stall().toMillis();
        long nextProgress = System.currentTimeMillis() + PROGRESS_EVERY_MS;
        while (t.firedCount() < t.expected || (receipts && t.receivedCount() < t.expected)) {
            if (System.currentTimeMillis() >= nextProgress) {
                nextProgress += PROGRESS_EVERY_MS;
                long untilDue = lastDueMillis - System.currentTimeMillis();
                System.out.printf(Locale.ROOT, "  %s: %,d of %,d fired, %,d receipts%s%n", CLOCK.format(Instant.now()),
                        t.firedCount(), t.expected, t.receivedCount(), untilDue > 0
                                ? String.format(Locale.ROOT, " (the last is due in %.0f s)", untilDue / 1000.0) : "");
            }
            pipeline.checkAlive();
            long quietSince = Math.max(t.lastArrival(), lastDueMillis);
            if (System.currentTimeMillis() - quietSince > stall) {
                break;
            }
            Thread.sleep(50);
        }
        Thread.sleep(1000);
    }
}
