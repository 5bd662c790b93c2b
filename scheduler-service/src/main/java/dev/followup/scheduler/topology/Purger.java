package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: a wall-clock punctuator (its own, so the firing path is untouched) that takes up to
 * {@code maxPurgesPerTick} entries whose time came from the {@link PurgeIndex} and purges what they name, checking the
 * thing itself first (an entry may be stale):
 * <ul>
 *   <li>a task: only if still terminal and terminal for {@code retention.tasks}; with its lead-index entry;</li>
 *   <li>an enrollment: only if still ended for {@code retention.enrollments} and its last step's task is gone (a new
 *       enrollment after a purge starts at number 1 again, and must not meet that task under the same id);</li>
 *   <li>a lead: its journey, and its profile down to a suppression entry (blocks, pause; no contact data), only if it
 *       has no open or emitted task (else it is postponed by {@code retention.leads}).</li>
 * </ul>
 * Stores written before retention existed have no entries: a backfill walks tasks, enrollments and lead profiles
 * from a saved cursor, at most {@code maxPurgesPerTick} records a tick, and gives each what it lacks. Everything is
 * in the punctuation's transaction, so a purge is exactly-once like the rest.
 */
final class Purger {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);
    /** Backfill cursor in the lead-activity store: phase byte, then the last key visited. '~' is not an id char. */
    static final String BACKFILL_CURSOR = "~retention-backfill";
    private static final byte TASKS = 0;
    private static final byte ENROLLMENTS = 1;
    private static final byte PROFILES = 2;
    private static final byte DONE = 3;

    private final PurgeIndex index;
    private final RetentionSettings retention;
    private final TaskBook book;
    private final EnrollmentBook enrollmentBook;
    private final LeadState leads;
    private final JourneyRecorder journey;
    private final KeyValueStore<String, ScheduledTask> tasks;
    private final KeyValueStore<String, Enrollment> enrollments;
    private final KeyValueStore<String, LeadProfile> profiles;
    private final SchedulerEvents events;
    private boolean backfilled;

    Purger(PurgeIndex index, TaskBook book, EnrollmentBook enrollmentBook, LeadState leads, JourneyRecorder journey,
            KeyValueStore<String, ScheduledTask> tasks, KeyValueStore<String, Enrollment> enrollments,
            KeyValueStore<String, LeadProfile> profiles, SchedulerEvents events) {
        this.index = index;
        this.retention = index.retention();
        this.book = book;
        this.enrollmentBook = enrollmentBook;
        this.leads = leads;
        this.journey = journey;
        this.tasks = tasks;
        this.enrollments = enrollments;
        this.profiles = profiles;
        this.events = events;
    }

    void purge(long nowMillis) {
        Map<String, Integer> purged = new TreeMap<>();
        List<KeyValue<Bytes, byte[]>> batch = index.due(nowMillis, retention.maxPurgesPerTick());
        for (KeyValue<Bytes, byte[]> entry : batch) {
            index.remove(entry.key);
            PurgeIndexKey key = PurgeIndexKey.parse(entry.key);
            switch (key.kind()) {
                case TASK -> purgeTask(book.get(key.key()), nowMillis, purged);
                case ENROLLMENT -> purgeEnrollment(key.key(), nowMillis, purged);
                case LEAD -> purgeLead(key.key(), nowMillis, purged);
            }
        }
        if (!batch.isEmpty()) {
            index.scannedTo(batch.get(batch.size() - 1).key);
        }
        if (!backfilled) {
            backfill(nowMillis);
        }
        purged.forEach(events::purged);
        if (!purged.isEmpty()) {
            log.atDebug().setMessage("retention.purged").addKeyValue("purged", purged).log();
        }
    }

    private boolean purgeTask(ScheduledTask task, long nowMillis, Map<String, Integer> purged) {
        if (task == null || !task.status().isTerminal()
                || terminalSince(task) + retention.tasks().toMillis() > nowMillis) {
            return false; // retried or re-armed since, or terminal again later (that has its own entry)
        }
        book.purge(task);
        purged.merge(SchedulerTopology.TASKS_STORE, 1, Integer::sum);
        purged.merge(SchedulerTopology.LEAD_TASKS_STORE, 1, Integer::sum);
        return true;
    }

    private void purgeEnrollment(String enrollmentKey, long nowMillis, Map<String, Integer> purged) {
        Enrollment enrollment = enrollmentBook.byKey(enrollmentKey);
        if (enrollment == null || enrollment.isActive()
                || millis(enrollment.statusAt()) + retention.enrollments().toMillis() > nowMillis) {
            return;
        }
        ScheduledTask last = enrollment.taskId() == null ? null : book.get(enrollment.taskId());
        if (last != null && !purgeTask(last, nowMillis, purged)) {
            long again = last.status().isTerminal() ? terminalSince(last) + retention.tasks().toMillis()
                    : nowMillis + retention.tasks().toMillis();
            index.enrollmentAgainAt(enrollmentKey, Math.max(again, nowMillis + 1));
            return;
        }
        enrollmentBook.purge(enrollmentKey);
        purged.merge(SchedulerTopology.ENROLLMENTS_STORE, 1, Integer::sum);
    }

    private void purgeLead(String leadKey, long nowMillis, Map<String, Integer> purged) {
        boolean busy = !book.openTasksOf(leadKey).isEmpty();
        if (busy) { // a task still to fire or to report needs the lead's contact data
            index.leadActive(leadKey, nowMillis);
            return;
        }
        index.leadPurged(leadKey);
        int entries = journey.forget(leadKey);
        if (entries > 0) {
            purged.merge(SchedulerTopology.JOURNEY_STORE, entries, Integer::sum);
        }
        if (leads.purgeProfile(leadKey)) {
            purged.merge(SchedulerTopology.LEAD_PROFILES_STORE, 1, Integer::sum);
        }
    }

    /**
     * Gives what a store written by an older version holds its purge entries: terminal tasks and ended enrollments
     * theirs (from their status time), each lead profile without an entry one from now. Puts are idempotent, so a
     * restart that walks part of it again does no harm.
     */
    private void backfill(long nowMillis) {
        KeyValueStore<String, byte[]> cursors = index.cursors();
        byte[] cursor = cursors.get(BACKFILL_CURSOR);
        byte phase = cursor == null ? TASKS : cursor[0];
        if (phase == DONE) {
            backfilled = true;
            return;
        }
        String from = cursor == null || cursor.length == 1 ? null
                : new String(cursor, 1, cursor.length - 1, StandardCharsets.UTF_8);
        int budget = retention.maxPurgesPerTick();
        String last = null;
        int seen = 0;
        boolean more;
        switch (phase) {
            case TASKS -> {
                try (KeyValueIterator<String, ScheduledTask> it = tasks.range(from, null)) {
                    while ((more = it.hasNext()) && seen < budget) {
                        KeyValue<String, ScheduledTask> kv = it.next();
                        if (!kv.key.equals(from)) {
                            seen++;
                            last = kv.key;
                            if (kv.value.status().isTerminal()) {
                                index.taskEnded(kv.value, Instant.ofEpochMilli(nowMillis));
                            }
                        }
                    }
                }
            }
            case ENROLLMENTS -> {
                try (KeyValueIterator<String, Enrollment> it = enrollments.range(from, null)) {
                    while ((more = it.hasNext()) && seen < budget) {
                        KeyValue<String, Enrollment> kv = it.next();
                        if (!kv.key.equals(from)) {
                            seen++;
                            last = kv.key;
                            if (!kv.value.isActive()) {
                                index.enrollmentEnded(kv.key, kv.value);
                            }
                        }
                    }
                }
            }
            default -> {
                try (KeyValueIterator<String, LeadProfile> it = profiles.range(from, null)) {
                    while ((more = it.hasNext()) && seen < budget) {
                        KeyValue<String, LeadProfile> kv = it.next();
                        if (!kv.key.equals(from)) {
                            seen++;
                            last = kv.key;
                            if (!index.hasLeadEntry(kv.key)) {
                                index.leadActive(kv.key, nowMillis);
                            }
                        }
                    }
                }
            }
        }
        byte[] next;
        if (more) {
            byte[] key = (last == null ? from : last).getBytes(StandardCharsets.UTF_8);
            next = new byte[1 + key.length];
            next[0] = phase;
            System.arraycopy(key, 0, next, 1, key.length);
        } else {
            next = new byte[] {(byte) (phase + 1)};
            log.atInfo().setMessage("retention.backfill_phase_done").addKeyValue("phase", phase).log();
        }
        if (cursor == null || !Arrays.equals(cursor, next)) {
            cursors.put(BACKFILL_CURSOR, next);
        }
    }

    private static long terminalSince(ScheduledTask task) {
        return millis(task.statusAt() != null ? task.statusAt() : task.dueAt());
    }

    private static long millis(Instant at) {
        return at == null ? 0 : Math.max(0, at.toEpochMilli());
    }
}
