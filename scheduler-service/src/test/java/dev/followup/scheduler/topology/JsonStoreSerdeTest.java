package dev.followup.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonStoreSerdeTest {

    private final JsonStoreSerde<ScheduledTask> serde = new JsonStoreSerde<>(ScheduledTask.class);

    private final ScheduledTask task = new ScheduledTask("t-1", "acme", "l-1", TaskReason.SEQUENCE, Channel.EMAIL,
            TaskStatus.EMITTED, Instant.parse("2026-11-23T10:00:00.123456789Z"), Instant.parse("2026-11-23T10:30:00Z"),
            Instant.parse("2026-11-23T11:00:00Z"), 2, "b-1", "seq-1", 3, "tpl-1", "Subject é", "Body\nline",
            Map.of("k", "v", "note", "ünïcode"), Instant.parse("2026-11-23T11:00:00.5Z"),
            Instant.parse("2026-11-23T11:00:01Z"), "deferred: quiet hours", "c-1", null, true);

    @Test
    void aValueRoundTripsThroughTheBinaryFormat() {
        byte[] bytes = serde.serializer().serialize("t", task);

        assertThat(new String(bytes, 0, 3, StandardCharsets.US_ASCII)).isEqualTo(":)\n");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(task);
    }

    @Test
    void valuesWrittenAsJsonTextByEarlierVersionsStillRead() {
        String json = """
                {"taskId":"t-1","tenantId":"acme","leadId":"l-1","source":"SEQUENCE","channel":"EMAIL",\
                "status":"EMITTED","anchorAt":"2026-11-23T10:00:00.123456789Z","originalDueAt":"2026-11-23T10:30:00Z",\
                "dueAt":"2026-11-23T11:00:00Z","attempt":2,"bookingId":"b-1","sequenceId":"seq-1","stepIndex":3,\
                "templateId":"tpl-1","subject":"Subject é","body":"Body\\nline","context":{"k":"v","note":"ünïcode"},\
                "emittedAt":"2026-11-23T11:00:00.5Z","statusAt":"2026-11-23T11:00:01Z",\
                "statusDetail":"deferred: quiet hours","lastCommandId":"c-1","occurrence":null,"windowExempt":true,\
                "someFieldOfALaterVersion":42}""";

        assertThat(serde.deserializer().deserialize("t", json.getBytes(StandardCharsets.UTF_8))).isEqualTo(task);
    }

    @Test
    void theBinaryFormatIsSmallerThanJsonText() {
        byte[] smile = serde.serializer().serialize("t", task);
        byte[] json = tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsBytes(task);

        assertThat(smile.length).isLessThan(json.length);
    }

    @Test
    void instantsKeepTheirPrecisionAndAnyRange() {
        for (Instant at : new Instant[] {Instant.EPOCH, Instant.ofEpochMilli(-1), Instant.parse("1900-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("2026-11-23T10:00:00.123456789Z"),
                Instant.parse("2026-11-23T10:00:00.000001Z"), Instant.MIN, Instant.MAX}) {
            ScheduledTask withIt = new ScheduledTask("t-1", "acme", "l-1", TaskReason.MANUAL, Channel.CALL,
                    TaskStatus.PENDING, at, at, at, 1, null, null, null, null, null, null, Map.of(), null, at, null,
                    null, null, false);
            assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", withIt)))
                    .as(at.toString()).isEqualTo(withIt);
        }
    }

    @Test
    void nullFieldsAreLeftOutAndReadBackAsNull() {
        ScheduledTask sparse = ScheduledTask.pending("t-2", "acme", "l-1", TaskReason.MANUAL, Channel.CALL,
                Instant.EPOCH, Instant.EPOCH, null, null, Map.of());
        byte[] bytes = serde.serializer().serialize("t", sparse);

        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("taskId").doesNotContain("bookingId")
                .doesNotContain("occurrence");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(sparse);
    }

    @Test
    void garbageIsASerializationErrorNamingTheType() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {':', ')', '\n', 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("ScheduledTask");
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", "{\"taskId\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("ScheduledTask");
    }
}
