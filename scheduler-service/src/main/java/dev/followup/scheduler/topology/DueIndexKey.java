package dev.followup.scheduler.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of the due-time index: 8-byte big-endian due epoch millis, then the task id's UTF-8 bytes. Byte order is
 * due order, so a range scan from the start up to {@link #upTo(long)} yields every task due by then, earliest first.
 */
public record DueIndexKey(long dueMillis, String taskId) {

    public static final Bytes MIN = Bytes.wrap(new byte[0]);

    // the first byte of an entry's value
    private static final int CHANNEL_BITS = 0x0F;
    /** Set in every value written since the index keeps the deferred bit (earlier values hold the channel alone). */
    private static final int HAS_DEFERRED_FLAG = 0x40;
    private static final int DEFERRED = 0x80;

    public static DueIndexKey of(Instant due, String taskId) {
        return new DueIndexKey(millis(due), taskId);
    }

    /** The index position of a due time: its epoch millis, a time before 1970 clamped to 0 (it is just as overdue). */
    public static long millis(Instant due) {
        return Math.max(0, due.toEpochMilli());
    }

    public Bytes toBytes() {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(dueMillis).put(id).array());
    }

    public static DueIndexKey parse(Bytes key) {
        byte[] bytes = key.get();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long due = buffer.getLong();
        return new DueIndexKey(due, new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8));
    }

    /** Inclusive upper bound of a scan for everything due at or before {@code nowMillis} (ids are ASCII, < 0xFF). */
    public static Bytes upTo(long nowMillis) {
        return Bytes.wrap(ByteBuffer.allocate(9).putLong(Math.max(0, nowMillis)).put((byte) 0xFF).array());
    }

    /**
     * The index entry's value: a byte with the channel's ordinal and whether the task was deferred, then the tenant id,
     * so the queue summary counts pending, overdue and deferred tasks from the index alone.
     */
    public static byte[] value(dev.followup.events.v1.Channel channel, String tenantId, boolean deferred) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + tenant.length];
        out[0] = (byte) (channel.ordinal() | HAS_DEFERRED_FLAG | (deferred ? DEFERRED : 0));
        System.arraycopy(tenant, 0, out, 1, tenant.length);
        return out;
    }

    public static dev.followup.events.v1.Channel channelOf(byte[] value) {
        return dev.followup.events.v1.Channel.values()[value[0] & CHANNEL_BITS];
    }

    /**
     * Whether the indexed task waits because it was deferred (its status detail, {@link
     * dev.followup.scheduler.policy.ScheduledTask#wasDeferred}); null for a value written before the index kept it.
     */
    public static Boolean deferredOf(byte[] value) {
        return (value[0] & HAS_DEFERRED_FLAG) == 0 ? null : (value[0] & DEFERRED) != 0;
    }

    /** Whether the entry is of the tenant whose id's UTF-8 bytes are {@code tenantId}, without decoding it. */
    public static boolean isOf(byte[] value, byte[] tenantId) {
        return Arrays.equals(value, 1, value.length, tenantId, 0, tenantId.length);
    }
}
