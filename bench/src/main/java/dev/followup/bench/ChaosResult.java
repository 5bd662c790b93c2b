package dev.followup.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The verdict of a chaos run: what the topics and the drafts show against what the feed implies. Every count but the
 * lag must be 0.
 *
 * @param expected          tasks the feed implies (canceled leads imply none)
 * @param emitted           distinct tasks emitted (read_committed)
 * @param counts            the defect counts, by name, in the order they print
 * @param lag               emittedAt − dueAt of every task's first emission, during the faults
 */
record ChaosResult(int expected, int emitted, Map<String, Long> counts, Latency lag) {

    static final List<String> DEFECTS = List.of("lost", "duplicate emissions", "early firings",
            "emitted though canceled", "tasks without a terminal receipt", "duplicate terminal receipts",
            "failed or dead receipts", "duplicate drafts", "emitted tasks without a draft", "drafts of unknown tasks",
            "receipts of unknown tasks");

    static ChaosResult of(int leads, Map<String, ChaosObserver.Seen> seen, Map<String, Integer> drafts,
            int orphanReceipts) {
        int expected = 0;
        for (int i = 0; i < leads; i++) {
            expected += ChaosFeed.expectedTasks(i);
        }
        Map<Integer, Integer> perLead = new HashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        DEFECTS.forEach(d -> counts.put(d, 0L));
        Latency lag = new Latency();
        for (ChaosObserver.Seen task : seen.values()) {
            int lead = ChaosFeed.indexOf(task.leadId);
            boolean canceled = lead < 0 || lead >= leads || ChaosFeed.canceled(lead);
            perLead.merge(lead, 1, Integer::sum);
            lag.record(task.emittedAt - task.dueAt);
            add(counts, "duplicate emissions", task.emissions - 1);
            add(counts, "early firings", task.emittedAt < task.dueAt || task.seenAt < task.dueAt ? 1 : 0);
            add(counts, "emitted though canceled", canceled ? 1 : 0);
            add(counts, "tasks without a terminal receipt", task.terminalReceipts == 0 ? 1 : 0);
            add(counts, "duplicate terminal receipts", Math.max(0, task.terminalReceipts - 1));
            add(counts, "failed or dead receipts", task.failedReceipts);
            int lines = drafts.getOrDefault(task.taskId, 0);
            add(counts, "duplicate drafts", Math.max(0, lines - 1));
            add(counts, "emitted tasks without a draft", lines == 0 && task.failedReceipts == 0 ? 1 : 0);
        }
        for (int i = 0; i < leads; i++) {
            add(counts, "lost", Math.max(0, ChaosFeed.expectedTasks(i) - perLead.getOrDefault(i, 0)));
        }
        add(counts, "drafts of unknown tasks", drafts.keySet().stream().filter(id -> !seen.containsKey(id)).count());
        add(counts, "receipts of unknown tasks", orphanReceipts);
        return new ChaosResult(expected, seen.size(), counts, lag);
    }

    private static void add(Map<String, Long> counts, String name, long n) {
        counts.merge(name, n, Long::sum);
    }

    boolean clean() {
        return counts.values().stream().allMatch(n -> n == 0);
    }

    Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expectedTasks", expected);
        m.put("emittedTasks", emitted);
        counts.forEach((k, v) -> m.put(k, v));
        m.put("firingLagMs", lag.summary());
        m.put("clean", clean());
        return m;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-36s %12s%n", "tasks expected", expected));
        out.append(String.format(Locale.ROOT, "%-36s %12s%n", "tasks emitted", emitted));
        counts.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%-36s %12d%s%n", k, v, v == 0 ? "" : "   <-- must be 0")));
        out.append(String.format(Locale.ROOT, "%-36s %12s%n", "firing lag p50 / p99 / max (ms)",
                lag.percentile(50) + " / " + lag.percentile(99) + " / " + lag.max()));
        out.append(clean() ? "CLEAN: nothing lost, duplicated, early or drafted twice\n" : "DEFECTS FOUND\n");
        return out.toString();
    }
}
