package dev.followup.scheduler.topology;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.RecurrencePolicy.Occurrence;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import dev.followup.scheduler.store.StoredOccurrenceV1;
import dev.followup.scheduler.store.StoredTaskV1;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.message.RawMessageDecoder;
import org.apache.avro.message.RawMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the tasks store: a version byte ({@value #V1}), then the task as Avro binary ({@code StoredTask.avsc},
 * internal, not part of the contract). Every timer reads its task and writes it back when it fires; Avro needs no
 * field names in the value and no reflection to build the record, so a task reads three times faster than as Smile
 * and takes about a third less space. Values written before (Smile or JSON, see {@link JsonStoreSerde}) still read,
 * so existing state and changelogs need no migration. A task whose instants are finer than a millisecond (none of
 * the policies makes one, but nothing forbids it) is written as Smile rather than rounded.
 */
public final class TaskStoreSerde implements Serde<ScheduledTask> {

    /** The first byte of a {@link StoredTaskV1} value; Smile values start with {@code :}, JSON ones with {@code {}. */
    static final byte V1 = 1;

    private static final JsonStoreSerde<ScheduledTask> EARLIER = new JsonStoreSerde<>(ScheduledTask.class);
    private static final Serializer<ScheduledTask> EARLIER_SERIALIZER = EARLIER.serializer();
    private static final Deserializer<ScheduledTask> EARLIER_DESERIALIZER = EARLIER.deserializer();
    private static final RawMessageEncoder<StoredTaskV1> ENCODER = new RawMessageEncoder<>(
            SpecificData.getForClass(StoredTaskV1.class), StoredTaskV1.getClassSchema());
    private static final RawMessageDecoder<StoredTaskV1> DECODER = new RawMessageDecoder<>(
            SpecificData.getForClass(StoredTaskV1.class), StoredTaskV1.getClassSchema());

    @Override
    public Serializer<ScheduledTask> serializer() {
        return (topic, task) -> {
            if (task == null) {
                return null;
            }
            if (!millisecondsOnly(task)) {
                return EARLIER_SERIALIZER.serialize(topic, task);
            }
            try {
                ByteBuffer encoded = ENCODER.encode(toStored(task));
                byte[] bytes = new byte[1 + encoded.remaining()];
                bytes[0] = V1;
                encoded.get(bytes, 1, bytes.length - 1);
                return bytes;
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot encode task " + task.taskId() + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<ScheduledTask> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0 || bytes[0] != V1) {
                return EARLIER_DESERIALIZER.deserialize(topic, bytes);
            }
            try {
                return fromStored(DECODER.decode(new ByteArrayInputStream(bytes, 1, bytes.length - 1)));
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode a task (" + bytes.length + " bytes, version " + V1
                        + "): " + e.getMessage(), e);
            }
        };
    }

    private static boolean millisecondsOnly(ScheduledTask t) {
        return millis(t.anchorAt()) && millis(t.originalDueAt()) && millis(t.dueAt()) && millis(t.emittedAt())
                && millis(t.statusAt()) && (t.occurrence() == null || millis(t.occurrence().at()));
    }

    private static boolean millis(Instant at) {
        return at == null || at.getNano() % 1_000_000 == 0;
    }

    private static StoredTaskV1 toStored(ScheduledTask t) {
        Occurrence o = t.occurrence();
        return new StoredTaskV1(t.taskId(), t.tenantId(), t.leadId(), t.source().name(), t.channel().name(),
                t.status().name(), epochMillis(t.anchorAt()), epochMillis(t.originalDueAt()), epochMillis(t.dueAt()),
                t.attempt(), t.bookingId(), t.sequenceId(), t.stepIndex(), t.templateId(), t.subject(), t.body(),
                t.context(), epochMillis(t.emittedAt()), epochMillis(t.statusAt()), t.statusDetail(), t.lastCommandId(),
                o == null ? null : new StoredOccurrenceV1(o.number(), o.key(), epochMillis(o.at())), t.windowExempt());
    }

    private static ScheduledTask fromStored(StoredTaskV1 s) {
        StoredOccurrenceV1 o = s.getOccurrence();
        return new ScheduledTask(s.getTaskId(), s.getTenantId(), s.getLeadId(), TaskReason.valueOf(s.getSource()),
                Channel.valueOf(s.getChannel()), TaskStatus.valueOf(s.getStatus()), instant(s.getAnchorAt()),
                instant(s.getOriginalDueAt()), instant(s.getDueAt()), s.getAttempt(), s.getBookingId(),
                s.getSequenceId(), s.getStepIndex(), s.getTemplateId(), s.getSubject(), s.getBody(), s.getContext(),
                instant(s.getEmittedAt()), instant(s.getStatusAt()), s.getStatusDetail(), s.getLastCommandId(),
                o == null ? null : new Occurrence(o.getNumber(), o.getKey(), instant(o.getAt())), s.getWindowExempt());
    }

    private static Long epochMillis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    private static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
