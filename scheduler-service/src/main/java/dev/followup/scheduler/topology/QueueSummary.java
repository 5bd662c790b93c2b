package dev.followup.scheduler.topology;

import dev.followup.events.v1.Channel;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What {@code GET /v1/queue} answers from without scanning the due index: counts in the
 * {@value SchedulerTopology#QUEUE_COUNTERS_STORE} store, written in the transaction that changes a task. Per partition:
 * <ul>
 *   <li>{@code tenantId/c/CHANNEL} → how many PENDING tasks, and how many of those were deferred (8 + 8 bytes);</li>
 *   <li>{@code tenantId/d/<due minute, 16 hex digits>} → how many PENDING tasks are due in that minute (8 bytes).</li>
 * </ul>
 * A count that falls to zero is deleted, so a tenant's minutes are few once they have fired. Its next due time is then
 * its first minute (read to the millisecond from that minute of the due index), and its overdue tasks the counts of
 * the minutes before this one plus the entries of this minute's part of the due index due by now. A PENDING task that
 * waits for its quota gate's answer counts as pending and, once due, as overdue: it is both.
 *
 * <p>Counts apply only to tasks the {@link IndexBackfill} has passed: a task written by an older version is counted
 * when the backfill reaches it, in the state it has then, so every task is counted exactly once. The store is cached:
 * a count changes with every task, the changelog gets its value once per commit.
 */
public final class QueueSummary {

    /** Most entries one query reads per partition and part (minutes, due-index entries); beyond it, a lower bound. */
    public static final int SCAN_LIMIT = 10_000;
    static final long MINUTE = 60_000;
    private static final StringSerializer KEYS = new StringSerializer();
    private static final HexFormat HEX = HexFormat.of();

    private final KeyValueStore<String, byte[]> counters;

    QueueSummary(KeyValueStore<String, byte[]> counters) {
        this.counters = counters;
    }

    /** {@code previous} (null: new) became {@code next}: moves the counts if it entered, left or moved while PENDING. */
    void taskChanged(ScheduledTask previous, ScheduledTask next) {
        boolean wasPending = previous != null && previous.status() == TaskStatus.PENDING;
        boolean isPending = next != null && next.status() == TaskStatus.PENDING;
        if (wasPending && isPending && previous.tenantId().equals(next.tenantId())) {
            if (previous.channel() != next.channel() || previous.wasDeferred() != next.wasDeferred()) {
                count(previous.tenantId(), previous.channel(), -1, previous.wasDeferred() ? -1 : 0);
                count(next.tenantId(), next.channel(), 1, next.wasDeferred() ? 1 : 0);
            }
            if (minute(previous) != minute(next)) {
                countDue(previous.tenantId(), minute(previous), -1);
                countDue(next.tenantId(), minute(next), 1);
            }
            return;
        }
        if (wasPending) {
            count(previous.tenantId(), previous.channel(), -1, previous.wasDeferred() ? -1 : 0);
            countDue(previous.tenantId(), minute(previous), -1);
        }
        if (isPending) {
            count(next.tenantId(), next.channel(), 1, next.wasDeferred() ? 1 : 0);
            countDue(next.tenantId(), minute(next), 1);
        }
    }

    /** The store that keeps the {@link IndexBackfill}'s cursor, under a key no count has ('~' is not an id char). */
    KeyValueStore<String, byte[]> cursors() {
        return counters;
    }

    private void count(String tenantId, Channel channel, long pending, long deferred) {
        String key = channelKey(tenantId, channel);
        byte[] stored = counters.get(key);
        long p = stored == null ? 0 : ByteBuffer.wrap(stored).getLong(0);
        long d = stored == null ? 0 : ByteBuffer.wrap(stored).getLong(8);
        p = Math.max(0, p + pending);
        d = Math.max(0, Math.min(p, d + deferred));
        counters.put(key, p == 0 ? null : ByteBuffer.allocate(16).putLong(p).putLong(d).array());
    }

    private void countDue(String tenantId, long minute, long delta) {
        String key = minuteKey(tenantId, minute);
        byte[] stored = counters.get(key);
        long n = Math.max(0, (stored == null ? 0 : ByteBuffer.wrap(stored).getLong(0)) + delta);
        counters.put(key, n == 0 ? null : ByteBuffer.allocate(8).putLong(n).array());
    }

    private static long minute(ScheduledTask task) {
        return minuteOf(DueIndexKey.millis(task.dueAt()));
    }

    private static long minuteOf(long millis) {
        return millis - millis % MINUTE;
    }

    static String channelKey(String tenantId, Channel channel) {
        return tenantId + "/c/" + channel.name();
    }

    static String minuteKey(String tenantId, long minute) {
        return tenantId + "/d/" + HEX.toHexDigits(minute); // fixed width: string order is time order
    }

    // ---- reading (the query API, one partition's stores at a time) ----

    /**
     * The tenant's queue in one partition: pending and deferred counts by channel from {@code counters}, the next due
     * time and the overdue count from its minutes and, for the minute itself, {@code dueIndex}.
     */
    public static Summary summary(ReadOnlyKeyValueStore<String, byte[]> counters,
            ReadOnlyKeyValueStore<Bytes, byte[]> dueIndex, String tenantId, long nowMillis) {
        Map<Channel, Long> pending = new EnumMap<>(Channel.class);
        long deferred = 0;
        String channels = tenantId + "/c/";
        try (KeyValueIterator<String, byte[]> it = counters.prefixScan(channels, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Channel channel = channelOf(kv.key.substring(channels.length()));
                if (channel != null) {
                    ByteBuffer value = ByteBuffer.wrap(kv.value);
                    pending.merge(channel, value.getLong(0), Long::sum);
                    deferred += value.getLong(8);
                }
            }
        }
        long thisMinute = minuteOf(Math.max(0, nowMillis));
        Long first = null;
        long overdue = 0;
        boolean capped = false;
        boolean dueThisMinute = false;
        int read = 0;
        try (KeyValueIterator<String, byte[]> it = counters.prefixScan(tenantId + "/d/", KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                long minute = HexFormat.fromHexDigitsToLong(kv.key, kv.key.length() - 16, kv.key.length());
                if (first == null) {
                    first = minute;
                }
                if (minute >= thisMinute) {
                    dueThisMinute = minute == thisMinute;
                    break;
                }
                if (++read > SCAN_LIMIT) {
                    capped = true;
                    break;
                }
                overdue += ByteBuffer.wrap(kv.value).getLong(0);
            }
        }
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        if (dueThisMinute && !capped) {
            Scan scan = scan(dueIndex, tenant, thisMinute, nowMillis, Integer.MAX_VALUE);
            overdue += scan.count();
            capped = scan.capped();
        }
        Long next = null;
        if (first != null) { // to the millisecond from the minute's part of the due index, else the minute itself
            Scan scan = scan(dueIndex, tenant, first, first + MINUTE - 1, 1);
            next = scan.first() != null ? scan.first() : first;
        }
        return new Summary(pending, deferred, next, overdue, capped);
    }

    private record Scan(Long first, long count, boolean capped) {
    }

    /** The tenant's entries of the due index due in {@code [from, to]}, up to {@code want} of them. */
    private static Scan scan(ReadOnlyKeyValueStore<Bytes, byte[]> dueIndex, byte[] tenant, long from, long to, int want) {
        Long first = null;
        long count = 0;
        int read = 0;
        try (KeyValueIterator<Bytes, byte[]> it = dueIndex.range(new DueIndexKey(from, "").toBytes(),
                DueIndexKey.upTo(to))) {
            while (it.hasNext() && count < want) {
                if (++read > SCAN_LIMIT) {
                    return new Scan(first, count, true);
                }
                KeyValue<Bytes, byte[]> entry = it.next();
                if (DueIndexKey.isOf(entry.value, tenant)) {
                    if (first == null) {
                        first = DueIndexKey.parse(entry.key).dueMillis();
                    }
                    count++;
                }
            }
        }
        return new Scan(first, count, false);
    }

    private static Channel channelOf(String name) {
        for (Channel channel : Channel.values()) {
            if (channel.name().equals(name)) {
                return channel;
            }
        }
        return null;
    }

    /**
     * One partition's part of a tenant's queue.
     *
     * @param pending       PENDING tasks by channel (channels without any are absent)
     * @param deferred      how many of them were deferred (quota, send window)
     * @param nextDueMillis the earliest due time, null if none
     * @param overdue       PENDING tasks due by now
     * @param capped        whether a part of the count stopped at {@link #SCAN_LIMIT} (then {@code overdue} is at least)
     */
    public record Summary(Map<Channel, Long> pending, long deferred, Long nextDueMillis, long overdue,
            boolean capped) {
    }
}
