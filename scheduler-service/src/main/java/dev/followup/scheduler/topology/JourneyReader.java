package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A lead's journey as the API shows it: the stored entries (see {@link JourneyRecorder}) and each emission, which is
 * not stored but told by its receipt (the emitted attempt, due time and lag) or, while it waits for one, by the task
 * itself; in time order, the newest {@value JourneyRecorder#MAX_ENTRIES}.
 */
public final class JourneyReader {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final Deserializer<JourneyEntry> ENTRIES = new JsonStoreSerde<>(JourneyEntry.class).deserializer();

    private JourneyReader() {
    }

    /**
     * @param leadKey {@code tenantId:leadId}
     */
    public static List<JourneyEntry> read(ReadOnlyKeyValueStore<String, byte[]> journey,
            ReadOnlyKeyValueStore<String, byte[]> leadTasks, ReadOnlyKeyValueStore<String, ScheduledTask> tasks,
            String leadKey) {
        return List.copyOf(readKeyed(journey, leadTasks, tasks, leadKey).values());
    }

    /**
     * {@link #read}, each entry under its key without the lead's prefix ({@code <16 hex millis>/<rank>/<ref>}): unique,
     * and in time order as strings, so a page can start after one.
     */
    public static LinkedHashMap<String, JourneyEntry> readKeyed(ReadOnlyKeyValueStore<String, byte[]> journey,
            ReadOnlyKeyValueStore<String, byte[]> leadTasks, ReadOnlyKeyValueStore<String, ScheduledTask> tasks,
            String leadKey) {
        String prefix = leadKey + "/";
        TreeMap<String, JourneyEntry> entries = new TreeMap<>(); // the store's key order: time, rank, ref
        try (KeyValueIterator<String, byte[]> it = journey.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                JourneyEntry e = entry(kv.value);
                entries.put(kv.key, e);
                if (e.emittedAttempt() != null && e.dueAt() != null && e.lagMs() != null) {
                    addEmission(entries, prefix, e.taskId(), e.channel(), e.emittedAttempt(), e.dueAt(),
                            e.dueAt().plusMillis(e.lagMs()));
                }
            }
        }
        for (ScheduledTask task : LeadTaskIndex.tasksOf(leadTasks, tasks, leadKey)) {
            if (task.status() == TaskStatus.EMITTED && task.emittedAt() != null) {
                addEmission(entries, prefix, task.taskId(), task.channel().name(), task.attempt(), task.dueAt(),
                        task.emittedAt());
            }
        }
        LinkedHashMap<String, JourneyEntry> out = new LinkedHashMap<>();
        int skip = Math.max(0, entries.size() - JourneyRecorder.MAX_ENTRIES); // the newest MAX_ENTRIES
        for (var e : entries.entrySet()) {
            if (skip-- <= 0) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    /** A stored entry's value. */
    public static JourneyEntry entry(byte[] value) {
        return ENTRIES.deserialize(null, value);
    }

    /** Whether the journey key ({@code tenantId:leadId/<16 hex millis>/<rank>/<ref>}) is a receipt's entry. */
    public static boolean isReceipt(String key) {
        int rankAt = key.indexOf('/') + 18;
        return key.length() > rankAt + 1 && key.charAt(rankAt - 1) == '/'
                && key.charAt(rankAt) - '0' == JourneyRecorder.RECEIPT_RANK && key.charAt(rankAt + 1) == '/';
    }

    /** Adds the emission unless an entry of it is there (journeys written by earlier versions stored emissions). */
    private static void addEmission(TreeMap<String, JourneyEntry> entries, String prefix, String taskId, String channel,
            int attempt, Instant dueAt, Instant emittedAt) {
        String key = JourneyRecorder.key(prefix, Math.max(0, emittedAt.toEpochMilli()), JourneyRecorder.EMITTED_RANK,
                JourneyRecorder.emittedRef(taskId, attempt));
        entries.putIfAbsent(key, JourneyRecorder.emitted(taskId, channel, attempt, dueAt, emittedAt));
    }
}
