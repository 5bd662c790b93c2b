package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.ScheduledTask;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@value SchedulerTopology#LEAD_TASKS_STORE} store: keys {@code tenantId:leadId/taskId}, empty values, so a
 * prefix scan lists a lead's tasks (its history, for the query API and erasure). The
 * {@value SchedulerTopology#LEAD_OPEN_TASKS_STORE} store has the same keys for the lead's open (PENDING, HELD, EMITTED)
 * tasks only, so the hot paths (cancel, pause, the open-task cap) cost the open tasks, not the history.
 */
public final class LeadTaskIndex {

    private static final StringSerializer KEYS = new StringSerializer();

    private LeadTaskIndex() {
    }

    /** The tasks of lead {@code leadKey} ({@code tenantId:leadId}), in task id order. */
    public static List<ScheduledTask> tasksOf(ReadOnlyKeyValueStore<String, byte[]> index,
            ReadOnlyKeyValueStore<String, ScheduledTask> tasks, String leadKey) {
        return read(index, tasks, leadKey, false);
    }

    /** The open tasks of lead {@code leadKey} from the open-task index {@code openIndex}, in task id order. */
    public static List<ScheduledTask> openTasksOf(ReadOnlyKeyValueStore<String, byte[]> openIndex,
            ReadOnlyKeyValueStore<String, ScheduledTask> tasks, String leadKey) {
        return read(openIndex, tasks, leadKey, true);
    }

    private static List<ScheduledTask> read(ReadOnlyKeyValueStore<String, byte[]> index,
            ReadOnlyKeyValueStore<String, ScheduledTask> tasks, String leadKey, boolean openOnly) {
        String prefix = leadKey + "/";
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = index.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> ids.add(kv.key.substring(prefix.length())));
        }
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
