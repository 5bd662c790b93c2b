package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.ScheduledTask;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@value SchedulerTopology#LEAD_TASKS_STORE} store, empty values, keyed so that a lead's open tasks are a range
 * of their own: {@code tenantId:leadId/o/taskId} for an open (PENDING, HELD, EMITTED) task,
 * {@code tenantId:leadId/f/taskId} for a finished one. The hot paths (cancel, pause, the open-task cap) read the
 * {@code /o/} range and cost the lead's open tasks, not its history; the history (query API, journey, erasure) reads
 * both. State of an earlier version has {@code tenantId:leadId/taskId} keys until the {@link IndexBackfill} moves
 * them; task ids have no {@code /}, so the id is always what follows the last one.
 */
public final class LeadTaskIndex {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final String OPEN = "o/";
    private static final String FINISHED = "f/";

    private LeadTaskIndex() {
    }

    /** Every task of lead {@code leadKey} ({@code tenantId:leadId}), in task id order. */
    public static List<ScheduledTask> tasksOf(ReadOnlyKeyValueStore<String, byte[]> index,
            ReadOnlyKeyValueStore<String, ScheduledTask> tasks, String leadKey) {
        List<String> ids = ids(index, leadKey + "/");
        ids.sort(null);
        return read(tasks, ids, false);
    }

    /** The open tasks of lead {@code leadKey} (once the index is in this layout), in task id order. */
    public static List<ScheduledTask> openTasksOf(ReadOnlyKeyValueStore<String, byte[]> index,
            ReadOnlyKeyValueStore<String, ScheduledTask> tasks, String leadKey) {
        return read(tasks, ids(index, leadKey + "/" + OPEN), true);
    }

    static String key(String tenantId, String leadId, String taskId, boolean open) {
        return TaskBook.leadTaskPrefix(tenantId, leadId) + (open ? OPEN : FINISHED) + taskId;
    }

    /** The key an earlier version wrote. */
    static String legacyKey(String tenantId, String leadId, String taskId) {
        return TaskBook.leadTaskPrefix(tenantId, leadId) + taskId;
    }

    private static List<String> ids(ReadOnlyKeyValueStore<String, byte[]> index, String prefix) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = index.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> ids.add(kv.key.substring(kv.key.lastIndexOf('/') + 1)));
        }
        return ids;
    }

    private static List<ScheduledTask> read(ReadOnlyKeyValueStore<String, ScheduledTask> tasks, List<String> ids,
            boolean openOnly) {
        List<ScheduledTask> out = new ArrayList<>();
        for (String id : ids) {
            ScheduledTask task = tasks.get(id);
            if (task != null && !(openOnly && task.status().isTerminal())) {
                out.add(task);
            }
        }
        return out;
    }
}
