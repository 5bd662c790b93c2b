package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.ScheduledTask;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tasks written before the queue counters and the open-task index existed their entries: a walk of the
 * {@value SchedulerTopology#TASKS_STORE} store in key order, a bounded number of tasks per punctuation, from a cursor
 * saved in the punctuation's transaction (so a restart goes on where it stopped). A task the walk has passed
 * ({@link #covers}) is counted by every later change; one it has not reached is counted when it gets there, in the
 * state it has then. Until the walk is {@link #done}, the lead's hot paths read its whole task index, as before.
 */
final class IndexBackfill {

    /** Reserved key in the counters store ('~' is not an id character): phase byte, then the last task id visited. */
    static final String CURSOR = "~index-backfill";
    private static final byte WALKING = 0;
    private static final byte DONE = 1;
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final KeyValueStore<String, byte[]> cursors;
    private String last;
    private boolean done;

    IndexBackfill(KeyValueStore<String, byte[]> cursors) {
        this.cursors = cursors;
        byte[] saved = cursors.get(CURSOR);
        done = saved != null && saved[0] == DONE;
        last = saved == null || saved.length == 1 ? null : new String(saved, 1, saved.length - 1, StandardCharsets.UTF_8);
    }

    boolean done() {
        return done;
    }

    /** Whether the walk has passed task {@code taskId}: its changes are counted as they happen. */
    boolean covers(String taskId) {
        return done || last != null && taskId.compareTo(last) <= 0; // ids are ASCII: String order is byte order
    }

    /** Visits up to {@code budget} more tasks; returns how many it visited. */
    int step(ReadOnlyKeyValueStore<String, ScheduledTask> tasks, int budget, Consumer<ScheduledTask> visit) {
        if (done) {
            return 0;
        }
        int seen = 0;
        boolean more;
        try (KeyValueIterator<String, ScheduledTask> it = tasks.range(last, null)) {
            while ((more = it.hasNext()) && seen < budget) {
                KeyValue<String, ScheduledTask> kv = it.next();
                if (kv.key.equals(last)) {
                    continue;
                }
                seen++;
                last = kv.key; // covered from here on: the visit counts it, later changes move its counts
                visit.accept(kv.value);
            }
        }
        if (!more) {
            done = true;
            log.atInfo().setMessage("index_backfill.done").log();
        }
        byte[] id = done || last == null ? new byte[0] : last.getBytes(StandardCharsets.UTF_8);
        byte[] cursor = new byte[1 + id.length];
        cursor[0] = done ? DONE : WALKING;
        System.arraycopy(id, 0, cursor, 1, id.length);
        cursors.put(CURSOR, cursor);
        return seen;
    }
}
