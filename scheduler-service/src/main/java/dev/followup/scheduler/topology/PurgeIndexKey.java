package dev.followup.scheduler.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of the purge index ({@value SchedulerTopology#PURGE_INDEX_STORE}): 8-byte big-endian epoch millis at which the
 * entry may be purged, a byte saying what it is, then the key of the purged thing in its own store (UTF-8). Byte order
 * is purge order, so a range scan up to {@link #upTo(long)} yields everything whose retention ran out, and at the same
 * millisecond tasks come before enrollments before leads (an enrollment waits for its last task to go).
 */
public record PurgeIndexKey(long purgeMillis, Kind kind, String key) {

    /** What an entry purges, and the byte that says so. */
    public enum Kind {
        /** a terminal task: {@code key} is the task id */
        TASK(1),
        /** an ended enrollment: {@code key} is {@code tenantId:leadId/sequenceId} */
        ENROLLMENT(2),
        /** an inactive lead's journey and profile: {@code key} is {@code tenantId:leadId} */
        LEAD(3);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        static Kind of(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown purge-index kind " + code);
        }
    }

    public Bytes toBytes() {
        byte[] id = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + id.length).putLong(Math.max(0, purgeMillis)).put(kind.code).put(id)
                .array());
    }

    public static PurgeIndexKey parse(Bytes bytes) {
        byte[] b = bytes.get();
        ByteBuffer buffer = ByteBuffer.wrap(b);
        long millis = buffer.getLong();
        Kind kind = Kind.of(buffer.get());
        return new PurgeIndexKey(millis, kind, new String(b, 9, b.length - 9, StandardCharsets.UTF_8));
    }

    /** Inclusive upper bound of a scan for everything purgeable at {@code nowMillis}. */
    public static Bytes upTo(long nowMillis) {
        return DueIndexKey.upTo(nowMillis);
    }
}
