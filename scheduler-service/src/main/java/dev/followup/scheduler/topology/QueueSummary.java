package dev.followup.scheduler.topology;

import dev.followup.events.v1.Channel;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What {@code GET /v1/queue} answers from without scanning the due index, written in the transaction that changes a
 * task (docs/design.md §5, scheduler-rules.md "Query API"):
 * <ul>
 *   <li>{@value SchedulerTopology#QUEUE_COUNTERS_STORE}: {@code tenantId/CHANNEL} → pending and deferred counts of
 *       the partition's PENDING tasks (8 + 8 bytes, big-endian). A PENDING task waiting for its quota gate's answer
 *       counts too: it is still pending. A pair that falls to zero is deleted;</li>
 *   <li>{@value SchedulerTopology#TENANT_DUE_INDEX_STORE}: {@code tenantId/} + the {@link DueIndexKey} bytes → empty,
 *       the due index again, tenant first, so the tenant's next due time is its first entry and its overdue tasks a
 *       range that the firing empties every tick.</li>
 * </ul>
 * Counts apply only to tasks the {@link IndexBackfill} has passed: one written by an older version is counted when the
 * backfill reaches it, in the state it has then, so every task is counted exactly once.
 */
public final class QueueSummary {

    /** Most overdue entries one query counts per partition; beyond it the count is a lower bound (a backlog). */
    public static final int OVERDUE_SCAN_LIMIT = 10_000;
    private static final byte[] EMPTY = new byte[0];
    private static final byte SEPARATOR = '/';
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> counters;
    private final KeyValueStore<Bytes, byte[]> tenantDueIndex;

    QueueSummary(KeyValueStore<String, byte[]> counters, KeyValueStore<Bytes, byte[]> tenantDueIndex) {
        this.counters = counters;
        this.tenantDueIndex = tenantDueIndex;
    }

    /** {@code previous} (null: new) became {@code next}: moves the counts if it entered or left PENDING or deferral. */
    void taskChanged(ScheduledTask previous, ScheduledTask next) {
        boolean wasPending = previous != null && previous.status() == TaskStatus.PENDING;
        boolean isPending = next != null && next.status() == TaskStatus.PENDING;
        if (wasPending && isPending && previous.channel() == next.channel()
                && previous.tenantId().equals(next.tenantId()) && previous.wasDeferred() == next.wasDeferred()) {
            return;
        }
        if (wasPending) {
            add(previous.tenantId(), previous.channel(), -1, previous.wasDeferred() ? -1 : 0);
        }
        if (isPending) {
            add(next.tenantId(), next.channel(), 1, next.wasDeferred() ? 1 : 0);
        }
    }

    /** A due-index entry of {@code tenantId} was written. */
    void indexed(String tenantId, Bytes dueKey) {
        tenantDueIndex.put(tenantKey(tenantId.getBytes(StandardCharsets.UTF_8), dueKey.get()), EMPTY);
    }

    /** A due-index entry went; {@code tenantId} is the tenant's UTF-8 bytes (as the due index's value holds them). */
    void unindexed(byte[] tenantId, Bytes dueKey) {
        tenantDueIndex.put(tenantKey(tenantId, dueKey.get()), null);
    }

    void unindexed(String tenantId, Bytes dueKey) {
        unindexed(tenantId.getBytes(StandardCharsets.UTF_8), dueKey);
    }

    /** The store that keeps the {@link IndexBackfill}'s cursor under a key no counter can have. */
    KeyValueStore<String, byte[]> cursors() {
        return counters;
    }

    private void add(String tenantId, Channel channel, long pending, long deferred) {
        String key = counterKey(tenantId, channel);
        byte[] stored = counters.get(key);
        long p = stored == null ? 0 : ByteBuffer.wrap(stored).getLong(0);
        long d = stored == null ? 0 : ByteBuffer.wrap(stored).getLong(8);
        p = Math.max(0, p + pending);
        d = Math.max(0, Math.min(p, d + deferred));
        counters.put(key, p == 0 ? null : ByteBuffer.allocate(16).putLong(p).putLong(d).array());
    }

    static String counterKey(String tenantId, Channel channel) {
        return tenantId + "/" + channel.name();
    }

    private static Bytes tenantKey(byte[] tenant, byte[] dueKey) {
        byte[] key = Arrays.copyOf(tenant, tenant.length + 1 + dueKey.length);
        key[tenant.length] = SEPARATOR;
        System.arraycopy(dueKey, 0, key, tenant.length + 1, dueKey.length);
        return Bytes.wrap(key);
    }

    // ---- reading (the query API, any instance's stores) ----

    /** The tenant's pending and deferred counts by channel, summed over every partition {@code counters} holds. */
    public static Counts counts(ReadOnlyKeyValueStore<String, byte[]> counters, String tenantId) {
        Map<Channel, Long> pending = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            pending.put(channel, 0L);
        }
        long deferred = 0;
        String prefix = tenantId + "/";
        try (KeyValueIterator<String, byte[]> it = counters.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) { // a partitioned view yields each partition's entry of a key: they add up
                KeyValue<String, byte[]> kv = it.next();
                Channel channel = channelOf(kv.key.substring(prefix.length()));
                if (channel != null) {
                    ByteBuffer value = ByteBuffer.wrap(kv.value);
                    pending.merge(channel, value.getLong(0), Long::sum);
                    deferred += value.getLong(8);
                }
            }
        }
        return new Counts(pending, deferred);
    }

    /**
     * The head of the tenant's entries in one partition's {@code tenantDueIndex}: the earliest due time, and how many
     * are due at or before {@code nowMillis} (counted up to {@link #OVERDUE_SCAN_LIMIT}).
     */
    public static Head head(ReadOnlyKeyValueStore<Bytes, byte[]> tenantDueIndex, String tenantId, long nowMillis) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        Bytes from = tenantKey(tenant, EMPTY);
        Bytes to = tenantKey(tenant, new byte[] {(byte) 0xFF}); // a due key starts with a non-negative long: < 0xFF
        Long next = null;
        long overdue = 0;
        boolean capped = false;
        try (KeyValueIterator<Bytes, byte[]> it = tenantDueIndex.range(from, to)) {
            while (it.hasNext()) {
                byte[] key = it.next().key.get();
                long due = ByteBuffer.wrap(key, tenant.length + 1, 8).getLong();
                if (next == null) {
                    next = due;
                }
                if (due > nowMillis) {
                    break;
                }
                if (overdue == OVERDUE_SCAN_LIMIT) {
                    capped = true;
                    break;
                }
                overdue++;
            }
        }
        return new Head(next, overdue, capped);
    }

    private static Channel channelOf(String name) {
        for (Channel channel : Channel.values()) {
            if (channel.name().equals(name)) {
                return channel;
            }
        }
        return null;
    }

    /** Pending tasks by channel and how many of them were deferred. */
    public record Counts(Map<Channel, Long> pending, long deferred) {
    }

    /**
     * @param nextDueMillis the earliest due time, null if none
     * @param overdue       entries due by then
     * @param capped        whether the count stopped at {@link #OVERDUE_SCAN_LIMIT} (there are more)
     */
    public record Head(Long nextDueMillis, long overdue, boolean capped) {
    }
}
