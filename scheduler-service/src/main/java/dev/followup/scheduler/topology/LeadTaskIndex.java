package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.ScheduledTask;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@value SchedulerTopology#LEAD_TASKS_STORE} store: keys {@code tenantId:leadId/taskId}, empty values, so a
 * prefix scan lists a lead's tasks. Read by the processor and by the query API.
 */
public final class LeadTaskIndex {

    private static final StringSerializer KEYS = new StringSerializer();

    private LeadTaskIndex() {
    }

    /** The tasks of lead {@code leadKey} ({@code tenantId:leadId}), in task id order. */
    public static List<ScheduledTask> tasksOf(ReadOnlyKeyValueStore<String, byte[]> index,
            ReadOnlyKeyValueStore<String, ScheduledTask> tasks, String leadKey) {
        String prefix = leadKey + "/";
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = index.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> ids.add(kv.key.substring(prefix.length())));
        }
        List<ScheduledTask> out = new ArrayList<>();
        for (String id : ids) {
            ScheduledTask task = tasks.get(id);
            if (task != null) {
                out.add(task);
            }
        }
        return out;
    }
}
