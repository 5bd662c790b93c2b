package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.ScheduledTask;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each finished thing may go: the {@value SchedulerTopology#PURGE_INDEX_STORE} store ({@link PurgeIndexKey} →
 * empty), written in the transaction that finishes the thing, and {@value SchedulerTopology#LEAD_ACTIVITY_STORE}
 * ({@code tenantId:leadId} → 8-byte purge millis of the lead's one entry), so a lead has exactly one entry, moved
 * forward when it is active again. A task or enrollment gets an entry each time it becomes terminal (or ended); an
 * entry that turns out stale when it comes due (the task was retried meanwhile) is dropped by the {@link Purger},
 * which checks the thing itself. Lead entries are rounded up to the hour so an active lead moves its entry at most
 * once an hour.
 */
final class PurgeIndex {

    private static final byte[] EMPTY = new byte[0];
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final KeyValueStore<Bytes, byte[]> index;
    private final KeyValueStore<String, byte[]> leadActivity;
    private final RetentionSettings retention;
    /** Where the next scan starts: the last key taken, so scans skip the tombstones of purged entries. */
    private Bytes scanFrom = DueIndexKey.MIN;

    PurgeIndex(KeyValueStore<Bytes, byte[]> index, KeyValueStore<String, byte[]> leadActivity,
            RetentionSettings retention) {
        this.index = index;
        this.leadActivity = leadActivity;
        this.retention = retention;
    }

    RetentionSettings retention() {
        return retention;
    }

    /** {@code task} is terminal since its {@code statusAt}: it may go {@code retention.tasks} later. */
    void taskEnded(ScheduledTask task, Instant fallback) {
        Instant since = task.statusAt() != null ? task.statusAt() : fallback;
        add(new PurgeIndexKey(plus(since, retention.tasks()), PurgeIndexKey.Kind.TASK, task.taskId()));
    }

    /** {@code enrollment} ended at its {@code statusAt}: it may go {@code retention.enrollments} later. */
    void enrollmentEnded(String enrollmentKey, Enrollment enrollment) {
        add(new PurgeIndexKey(plus(enrollment.statusAt(), retention.enrollments()), PurgeIndexKey.Kind.ENROLLMENT,
                enrollmentKey));
    }

    /** A retry of an enrollment's purge at {@code millis}. */
    void enrollmentAgainAt(String enrollmentKey, long millis) {
        add(new PurgeIndexKey(millis, PurgeIndexKey.Kind.ENROLLMENT, enrollmentKey));
    }

    /**
     * The lead ({@code tenantId:leadId}) was active at {@code nowMillis} (wall clock): its entry moves to
     * {@code retention.leads} later, rounded up to the hour. One read; writes only when the hour changes.
     */
    void leadActive(String leadKey, long nowMillis) {
        long at = ceilHour(nowMillis + retention.leads().toMillis());
        byte[] previous = leadActivity.get(leadKey);
        if (previous != null) {
            long was = ByteBuffer.wrap(previous).getLong();
            if (was == at) {
                return;
            }
            index.put(new PurgeIndexKey(was, PurgeIndexKey.Kind.LEAD, leadKey).toBytes(), null);
        }
        leadActivity.put(leadKey, ByteBuffer.allocate(8).putLong(at).array());
        add(new PurgeIndexKey(at, PurgeIndexKey.Kind.LEAD, leadKey));
    }

    /** Whether the lead has a purge entry (a lead written by an older version has none until it is active). */
    boolean hasLeadEntry(String leadKey) {
        return leadActivity.get(leadKey) != null;
    }

    /** The lead's entry was taken (purged): it has none until it is active again. */
    void leadPurged(String leadKey) {
        leadActivity.put(leadKey, null);
    }

    /** Up to {@code max} entries due at or before {@code nowMillis}, earliest first, from the last scan on. */
    List<KeyValue<Bytes, byte[]>> due(long nowMillis, int max) {
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>();
        Bytes to = PurgeIndexKey.upTo(nowMillis);
        if (scanFrom.compareTo(to) > 0) {
            return batch;
        }
        try (KeyValueIterator<Bytes, byte[]> it = index.range(scanFrom, to)) {
            while (it.hasNext() && batch.size() < max) {
                batch.add(it.next());
            }
        }
        return batch;
    }

    /** Takes an entry out (a put of null deletes without reading the old value first). */
    void remove(Bytes key) {
        index.put(key, null);
    }

    void scannedTo(Bytes lastKey) {
        scanFrom = lastKey;
    }

    /** The store that keeps the backfill's cursor: a reserved key that no lead key can be ('~' is not an id char). */
    KeyValueStore<String, byte[]> cursors() {
        return leadActivity;
    }

    private void add(PurgeIndexKey key) {
        Bytes bytes = key.toBytes();
        index.put(bytes, EMPTY);
        if (bytes.compareTo(scanFrom) < 0) {
            scanFrom = bytes;
        }
    }

    private static long plus(Instant since, Duration retention) {
        long from = since == null ? 0 : Math.max(0, since.toEpochMilli());
        return from > Long.MAX_VALUE - retention.toMillis() ? Long.MAX_VALUE : from + retention.toMillis();
    }

    private static long ceilHour(long millis) {
        long rem = millis % HOUR;
        return rem == 0 ? millis : millis - rem + HOUR;
    }
}
