package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.LeadKey;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's tasks and their indexes, which change together: the {@value SchedulerTopology#TASKS_STORE} store, the
 * {@value SchedulerTopology#DUE_INDEX_STORE} (every PENDING task by due time), the
 * {@value SchedulerTopology#LEAD_TASKS_STORE} index (every task of a lead, its open ones a range of their own: {@link
 * LeadTaskIndex}), the {@link QueueSummary}, the journey entry of each change and, when a task becomes terminal, its entry in the
 * {@link PurgeIndex}. The firing scan of the due index starts where the last one stopped.
 */
final class TaskBook {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);
    private static final byte[] EMPTY = new byte[0];

    private final KeyValueStore<String, ScheduledTask> tasks;
    private final KeyValueStore<Bytes, byte[]> dueIndex;
    private final KeyValueStore<String, byte[]> leadTasks;
    private final JourneyRecorder journey;
    private final PurgeIndex purgeIndex;
    private final QueueSummary queue;
    private final IndexBackfill backfill;
    /** Where the next due scan starts: the last key fired, so scans skip the tombstones of fired entries. */
    private Bytes scanFrom = DueIndexKey.MIN;

    TaskBook(KeyValueStore<String, ScheduledTask> tasks, KeyValueStore<Bytes, byte[]> dueIndex,
            KeyValueStore<String, byte[]> leadTasks, QueueSummary queue,
            JourneyRecorder journey, PurgeIndex purgeIndex) {
        this.tasks = tasks;
        this.dueIndex = dueIndex;
        this.leadTasks = leadTasks;
        this.queue = queue;
        this.journey = journey;
        this.purgeIndex = purgeIndex;
        this.backfill = new IndexBackfill(queue.cursors());
    }

    ScheduledTask get(String taskId) {
        return tasks.get(taskId);
    }

    /** The task if it belongs to this lead (a task id of another tenant or lead is treated as unknown). */
    ScheduledTask ownTask(LeadKey key, String taskId) {
        if (!Identifiers.isValid(taskId)) {
            throw new InvalidInputException(Identifiers.describe("taskId", taskId));
        }
        ScheduledTask task = tasks.get(taskId);
        if (task == null || !task.tenantId().equals(key.tenantId()) || !task.leadId().equals(key.leadId())) {
            return null;
        }
        return task;
    }

    List<ScheduledTask> tasksOf(LeadKey key) {
        return tasksOf(key.toString());
    }

    /** Every task of lead {@code leadKey} ({@code tenantId:leadId}), finished ones included until retention. */
    List<ScheduledTask> tasksOf(String leadKey) {
        return LeadTaskIndex.tasksOf(leadTasks, tasks, leadKey);
    }

    List<ScheduledTask> openTasksOf(LeadKey key) {
        return openTasksOf(key.toString());
    }

    /**
     * The open (PENDING, HELD, EMITTED) tasks of lead {@code leadKey}: what cancel, pause, resume, the open-task cap and
     * retention need, read from the lead index's open range alone once the {@link IndexBackfill} has moved older
     * entries into it (until then from the whole lead index).
     */
    List<ScheduledTask> openTasksOf(String leadKey) {
        if (backfill.done()) {
            return LeadTaskIndex.openTasksOf(leadTasks, tasks, leadKey);
        }
        return tasksOf(leadKey).stream().filter(TaskBook::isOpen).toList();
    }

    /** Writes {@code next} and keeps the due index and the lead index in step with it. */
    void save(ScheduledTask previous, ScheduledTask next) {
        if (previous != null && previous.status() == TaskStatus.PENDING
                && (next.status() != TaskStatus.PENDING || !previous.dueAt().equals(next.dueAt()))) {
            dueIndex.put(DueIndexKey.of(previous.dueAt(), previous.taskId()).toBytes(), null);
        }
        tasks.put(next.taskId(), next);
        if (next.status() == TaskStatus.PENDING) {
            Bytes indexKey = DueIndexKey.of(next.dueAt(), next.taskId()).toBytes();
            dueIndex.put(indexKey, DueIndexKey.value(next.channel(), next.tenantId(), next.wasDeferred()));
            if (indexKey.compareTo(scanFrom) < 0) {
                scanFrom = indexKey;
            }
        }
        if (backfill.covers(next.taskId())) {
            queue.taskChanged(previous, next);
        }
        if (previous == null) {
            leadTasks.put(backfill.covers(next.taskId()) ? LeadTaskIndex.key(next.tenantId(), next.leadId(),
                    next.taskId(), isOpen(next)) : LeadTaskIndex.legacyKey(next.tenantId(), next.leadId(),
                    next.taskId()), EMPTY);
        } else if (isOpen(next) != isOpen(previous)) {
            moveInLeadIndex(next, isOpen(next));
        }
        if (next.status().isTerminal()) {
            purgeIndex.taskEnded(next, next.dueAt()); // every time: a task written by an older version gets its entry
        }
        journey.taskChanged(previous, next);
    }

    /** Deletes a task whose retention ran out, with its lead-index entry (it is not in the due index: terminal). */
    void purge(ScheduledTask task) {
        tasks.put(task.taskId(), null);
        leadTasks.put(backfill.covers(task.taskId()) ? LeadTaskIndex.key(task.tenantId(), task.leadId(), task.taskId(),
                false) : LeadTaskIndex.legacyKey(task.tenantId(), task.leadId(), task.taskId()), null);
    }

    /** The task's lead-index entry moves to the open or the finished range (one the backfill has not reached stays). */
    private void moveInLeadIndex(ScheduledTask task, boolean open) {
        if (backfill.covers(task.taskId())) {
            leadTasks.put(LeadTaskIndex.key(task.tenantId(), task.leadId(), task.taskId(), !open), null);
            leadTasks.put(LeadTaskIndex.key(task.tenantId(), task.leadId(), task.taskId(), open), EMPTY);
        }
    }

    // ---- the firing path ----

    /** Up to {@code max} due-index entries due at or before {@code nowMillis}, earliest first, from the last scan on. */
    List<KeyValue<Bytes, byte[]>> due(long nowMillis, int max) {
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>();
        Bytes to = DueIndexKey.upTo(nowMillis);
        if (scanFrom.compareTo(to) > 0) {
            return batch;
        }
        try (KeyValueIterator<Bytes, byte[]> it = dueIndex.range(scanFrom, to)) {
            while (it.hasNext() && batch.size() < max) {
                batch.add(it.next());
            }
        }
        return batch;
    }

    /** Takes a fired entry out of the due index (a put of null deletes without reading the old value first). */
    void unindex(Bytes dueKey) {
        dueIndex.put(dueKey, null);
    }

    /** The next scan starts at {@code lastKey}, the last entry the current one took. */
    void scannedTo(Bytes lastKey) {
        scanFrom = lastKey;
    }

    /** {@code task}, taken out of the due index, was emitted at {@code now}. */
    void emitted(ScheduledTask task, Instant now) {
        ScheduledTask emitted = task.emitted(now);
        tasks.put(task.taskId(), emitted);
        if (backfill.covers(task.taskId())) {
            queue.taskChanged(task, emitted);
        }
        journey.taskEmitted(now);
    }

    /** {@code task}, taken out of the due index, could not be emitted: FAILED, visible and retryable. */
    void failed(ScheduledTask task, Instant now, String detail) {
        ScheduledTask failed = task.withStatus(TaskStatus.FAILED, now, detail);
        tasks.put(task.taskId(), failed);
        if (backfill.covers(task.taskId())) {
            queue.taskChanged(task, failed);
        }
        moveInLeadIndex(task, false);
        purgeIndex.taskEnded(failed, now);
    }

    // ---- indexes added to state written by older versions ----

    boolean indexesBackfilled() {
        return backfill.done();
    }

    /** One step of the {@link IndexBackfill} (at most {@code budget} tasks); returns how many tasks it visited. */
    int backfillIndexes(int budget) {
        return backfill.step(tasks, budget, task -> {
            queue.taskChanged(null, task);
            leadTasks.put(LeadTaskIndex.legacyKey(task.tenantId(), task.leadId(), task.taskId()), null);
            leadTasks.put(LeadTaskIndex.key(task.tenantId(), task.leadId(), task.taskId(), isOpen(task)), EMPTY);
        });
    }

    private static boolean isOpen(ScheduledTask task) {
        return task != null && !task.status().isTerminal();
    }

    // ---- keys and logs shared by the lead's stores ----

    /** {@code tenantId:leadId/}: how every per-lead key of the scheduler's stores starts. */
    static String leadTaskPrefix(String tenantId, String leadId) {
        return tenantId + ":" + leadId + "/";
    }

    /** An input that changed nothing for {@code task} (null: unknown), logged as {@code event} with its status. */
    static void logIgnored(String event, String taskId, ScheduledTask task) {
        log.atInfo().setMessage(event).addKeyValue("taskId", taskId)
                .addKeyValue("status", task == null ? "UNKNOWN" : task.status().name()).log();
    }
}
