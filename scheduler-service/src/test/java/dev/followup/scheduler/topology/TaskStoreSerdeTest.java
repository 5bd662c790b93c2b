package dev.followup.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.RecurrencePolicy.Occurrence;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TaskStoreSerdeTest {

    private final TaskStoreSerde serde = new TaskStoreSerde();

    private final ScheduledTask full = new ScheduledTask("t-1", "acme", "l-1", TaskReason.SEQUENCE, Channel.EMAIL,
            TaskStatus.EMITTED, Instant.parse("2026-11-23T10:00:00.123Z"), Instant.parse("2026-11-23T10:30:00Z"),
            Instant.parse("2026-11-23T11:00:00Z"), 2, "b-1", "seq-1", 3, "tpl-1", "Subject é", "Body\nline",
            Map.of("k", "v", "note", "ünïcode"), Instant.parse("2026-11-23T11:00:00.5Z"),
            Instant.parse("2026-11-23T11:00:01Z"), "deferred: quiet hours", "c-1",
            new Occurrence(4, "2026-11-23T11:00", Instant.parse("2026-11-23T11:00:00Z")), true);

    @Test
    void everyFieldRoundTripsThroughTheAvroFormat() {
        byte[] bytes = serde.serializer().serialize("t", full);

        assertThat(bytes[0]).as("version byte").isEqualTo(TaskStoreSerde.V1);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(full);
    }

    @Test
    void aSparseTaskRoundTripsWithItsNulls() {
        ScheduledTask sparse = ScheduledTask.pending("t-2", "acme", "l-1", TaskReason.MANUAL, Channel.CALL,
                Instant.EPOCH, Instant.ofEpochMilli(-1), null, null, Map.of());

        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", sparse))).isEqualTo(sparse);
    }

    @Test
    void aTaskIsSmallerThanAsSmileAndHoldsNoFieldNames() {
        byte[] avro = serde.serializer().serialize("t", full);
        byte[] smile = new JsonStoreSerde<>(ScheduledTask.class).serializer().serialize("t", full);

        assertThat(avro.length).isLessThan(smile.length * 3 / 4);
        assertThat(new String(avro, StandardCharsets.ISO_8859_1)).doesNotContain("taskId").doesNotContain("dueAt");
    }

    @Test
    void valuesOfEarlierVersionsStillRead() {
        JsonStoreSerde<ScheduledTask> earlier = new JsonStoreSerde<>(ScheduledTask.class);
        byte[] smile = earlier.serializer().serialize("t", full);
        byte[] json = tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsBytes(full);

        assertThat(serde.deserializer().deserialize("t", smile)).isEqualTo(full);
        assertThat(serde.deserializer().deserialize("t", json)).isEqualTo(full);
    }

    @Test
    void aTaskWithInstantsFinerThanAMillisecondIsKeptExactly() {
        Instant fine = Instant.parse("2026-11-23T10:00:00.000001Z");
        ScheduledTask precise = ScheduledTask.pending("t-3", "acme", "l-1", TaskReason.MANUAL, Channel.SMS, fine, fine,
                null, null, Map.of());
        byte[] bytes = serde.serializer().serialize("t", precise);

        assertThat(bytes[0]).as("written as Smile, not rounded").isEqualTo((byte) ':');
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(precise);
    }

    @Test
    void aTruncatedValueFailsWithAClearError() {
        byte[] bytes = serde.serializer().serialize("t", full);

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot decode a task");
    }

    @Test
    void nullStaysNull() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
