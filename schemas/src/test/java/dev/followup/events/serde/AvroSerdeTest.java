package dev.followup.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:15:30.123Z");

    private final AvroSerde<LeadEvent> leadSerde = AvroSerde.of(LeadEvent.class);

    private static LeadEvent lead() {
        return LeadEvent.newBuilder().setEventId("e-1").setTenantId("acme").setLeadId("lead-42").setOccurredAt(AT)
                .setPayload(LeadCaptured.newBuilder().setName("Ada").setEmail("ada@example.com").setPredProb(0.82)
                        .setAttributes(Map.of("source", "webinar")).build())
                .build();
    }

    @Test
    void roundTripsAGeneratedRecord() {
        byte[] bytes = leadSerde.serializer().serialize("t", lead());
        assertThat(leadSerde.deserializer().deserialize("t", bytes)).isEqualTo(lead());
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(leadSerde.serializer().serialize("t", null)).isNull();
        assertThat(leadSerde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void bytesFollowTheSingleObjectEncodingLayout() {
        byte[] bytes = leadSerde.serializer().serialize("t", lead());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaHistory.fingerprint(LeadEvent.getClassSchema()));
    }

    /** What a Python or Node consumer does: parse the .avsc, skip the 10-byte header, read the Avro binary body. */
    @Test
    void aGenericReaderDecodesTheBodyWithOnlyTheAvscFile() throws IOException {
        Schema fromFile;
        try (var in = getClass().getClassLoader().getResourceAsStream("avro/LeadEvent.avsc")) {
            fromFile = new Schema.Parser().parse(in);
        }
        byte[] bytes = leadSerde.serializer().serialize("t", lead());
        assertThat(SchemaHistory.fingerprint(fromFile)).isEqualTo(SchemaHistory.fingerprint(LeadEvent.getClassSchema()));

        GenericRecord record = new GenericDatumReader<GenericRecord>(fromFile)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, null));
        assertThat(record.get("leadId").toString()).isEqualTo("lead-42");
        assertThat(record.get("occurredAt")).isEqualTo(AT.toEpochMilli());
        assertThat(((GenericRecord) record.get("payload")).get("email").toString()).isEqualTo("ada@example.com");
    }

    @Test
    void aRecordWrittenWithAnOlderSchemaDecodesIntoTheCurrentClassWithDefaults() throws IOException {
        Schema older = SchemaCompatibilityTest.parse("older/TenantSettings-v0.avsc");
        GenericRecord old = new GenericData.Record(older);
        old.put("tenantId", "acme");
        old.put("autoEnabled", false);
        old.put("leadScoreThreshold", 0.5);
        old.put("leadFollowUps", List.of());
        old.put("bookingFollowUps", List.of());
        old.put("timezone", "Europe/Paris");
        old.put("workingDays", List.of(new GenericData.EnumSymbol(weekdaySchema(older), "SAT")));
        old.put("sendWindow", null);
        old.put("maxTasksPerDay", 50);
        old.put("failureAlertThreshold", 3);
        old.put("draftOnly", true);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

        var history = SchemaHistory.of("TenantSettings",
                List.of(older, TenantSettings.getClassSchema()));
        TenantSettings decoded = new AvroDeserializer<>(TenantSettings.class, history).deserialize("t", bytes);

        assertThat(decoded.getTenantId()).isEqualTo("acme");
        assertThat(decoded.getAutoEnabled()).isFalse();
        assertThat(decoded.getTimezone()).isEqualTo("Europe/Paris");
        assertThat(decoded.getWorkingDays()).containsExactly(Weekday.SAT);
        assertThat(decoded.getSendWindow()).isNull();
        assertThat(decoded.getMaxTasksPerDay()).isEqualTo(50);
        // Fields the old writer did not have take the current schema's defaults.
        assertThat(decoded.getMaxTasksPerMinute()).isNull();
        assertThat(decoded.getSendWindowAppliesToBookings()).isFalse();
        assertThat(decoded.getChannels()).isEmpty();
    }

    @Test
    void anUnknownWriterSchemaIsAClearErrorNamingTopicAndFingerprint() throws IOException {
        Schema older = SchemaCompatibilityTest.parse("older/TenantSettings-v0.avsc");
        GenericRecord old = new GenericData.Record(older);
        old.put("tenantId", "acme");
        older.getFields().stream().filter(f -> f.hasDefaultValue())
                .forEach(f -> old.put(f.name(), GenericData.get().getDefaultValue(f)));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();
        String fingerprint = String.format("%016x", SchemaHistory.fingerprint(older));

        assertThatThrownBy(() -> AvroSerde.of(TenantSettings.class).deserializer().deserialize("followup.tenant-settings.v1", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("followup.tenant-settings.v1")
                .hasMessageContaining("TenantSettings")
                .hasMessageContaining("unknown writer schema fingerprint " + fingerprint);
    }

    @Test
    void garbageBytesAreAClearError() {
        byte[] garbage = "{\"not\":\"avro\"}".getBytes();
        assertThatThrownBy(() -> leadSerde.deserializer().deserialize("followup.lead-events.v1", garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("followup.lead-events.v1")
                .hasMessageContaining("not Avro single-object encoding");
    }

    @Test
    void aTruncatedBodyIsAClearError() {
        byte[] bytes = leadSerde.serializer().serialize("t", lead());
        byte[] truncated = Arrays.copyOf(bytes, 14);
        assertThatThrownBy(() -> leadSerde.deserializer().deserialize("followup.lead-events.v1", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("followup.lead-events.v1")
                .hasMessageContaining("corrupt body")
                .hasMessageContaining(String.format("%016x", SchemaHistory.fingerprint(LeadEvent.getClassSchema())));
    }

    @Test
    void aRecordOfAnotherContractTypeIsRejected() {
        byte[] settings = AvroSerde.of(TenantSettings.class).serializer().serialize("t",
                TenantSettings.newBuilder().setTenantId("acme").build());
        assertThatThrownBy(() -> leadSerde.deserializer().deserialize("followup.lead-events.v1", settings))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown writer schema fingerprint");
    }

    @Test
    void tenantSettingsCarryTheContractDefaults() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").build();
        assertThat(s.getAutoEnabled()).isTrue();
        assertThat(s.getLeadScoreThreshold()).isEqualTo(0.70);
        assertThat(s.getLeadFollowUps()).extracting(f -> f.getDelay() + "/" + f.getChannel())
                .containsExactly("30m/EMAIL", "2h/EMAIL");
        assertThat(s.getBookingFollowUps()).extracting(f -> f.getOffset() + "/" + f.getChannel())
                .containsExactly("0m/CALL");
        assertThat(s.getTimezone()).isEqualTo("UTC");
        assertThat(s.getWorkingDays()).containsExactly(Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI);
        assertThat(s.getSendWindow()).isEqualTo(new SendWindow("09:00", "18:00"));
        assertThat(s.getMaxTasksPerDay()).isEqualTo(400);
        assertThat(s.getMaxTasksPerMinute()).isNull();
        assertThat(s.getFailureAlertThreshold()).isEqualTo(2);
        assertThat(s.getDraftOnly()).isTrue();
        assertThat(s.getChannels()).isEmpty();
        ChannelSettings c = ChannelSettings.newBuilder().build();
        assertThat(c.getSendEnabled()).isFalse();
        assertThat(c.getMaxAttempts()).isEqualTo(5);
        assertThat(c.getInitialBackoff()).isEqualTo("1s");
        assertThat(Channel.valueOf("CALL")).isEqualTo(Channel.CALL);
    }

    private static Schema weekdaySchema(Schema settings) {
        return settings.getField("workingDays").schema().getElementType();
    }
}
