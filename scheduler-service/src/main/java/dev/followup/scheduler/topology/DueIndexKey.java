package dev.followup.scheduler.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of the due-time index: 8-byte big-endian due epoch millis, then the task id's UTF-8 bytes. Byte order is
 * due order, so a range scan from the start up to {@link #upTo(long)} yields every task due by then, earliest first.
 */
public record DueIndexKey(long dueMillis, String taskId) {

    public static final Bytes MIN = Bytes.wrap(new byte[0]);

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

    /** The index entry's value: the channel's ordinal, then the tenant id (queue summaries need no task lookups). */
    public static byte[] value(dev.followup.events.v1.Channel channel, String tenantId) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + tenant.length];
        out[0] = (byte) channel.ordinal();
        System.arraycopy(tenant, 0, out, 1, tenant.length);
        return out;
    }

    public static dev.followup.events.v1.Channel channelOf(byte[] value) {
        return dev.followup.events.v1.Channel.values()[value[0]];
    }

    public static String tenantOf(byte[] value) {
        return new String(value, 1, value.length - 1, StandardCharsets.UTF_8);
    }
}
