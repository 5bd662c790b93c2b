package dev.followup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.Alert;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Every contract type through a real broker with the project's serdes. */
@WithKafka
class ContractRoundTripTest {

    private static final Instant AT = Instant.parse("2026-11-22T09:00:00Z");

    private static final Map<Class<? extends SpecificRecord>, String> TOPIC_OF = Map.of(
            LeadEvent.class, Topics.LEAD_EVENTS,
            BookingEvent.class, Topics.BOOKING_EVENTS,
            Command.class, Topics.COMMANDS,
            TenantSettings.class, Topics.TENANT_SETTINGS,
            SequenceDefinition.class, Topics.SEQUENCES,
            DueTask.class, Topics.DUE_TASKS_SMS,
            Receipt.class, Topics.RECEIPTS,
            Alert.class, Topics.ALERTS);

    @Test
    void everyContractTypeRoundTripsThroughKafka(TestKafka kafka) {
        Map<Class<? extends SpecificRecord>, SpecificRecord> samples = SampleRecords.everyType("roundtrip", AT);
        assertThat(samples.keySet()).containsExactlyInAnyOrderElementsOf(TOPIC_OF.keySet());
        samples.forEach((type, record) -> kafka.send(TOPIC_OF.get(type), LeadKey.of("roundtrip", "lead-1").toString(), record));

        samples.forEach((type, record) -> {
            List<? extends ConsumerRecord<String, ? extends SpecificRecord>> read = kafka.awaitRecords(
                    TOPIC_OF.get(type), type, r -> r.key().startsWith("roundtrip:"), 1, Duration.ofSeconds(30));
            assertThat(read).hasSize(1);
            assertThat(read.get(0).key()).isEqualTo("roundtrip:lead-1");
            assertThat(read.get(0).value()).as(type.getSimpleName()).isEqualTo(record);
        });
    }

    @Test
    void garbageOnATopicIsAClearErrorForTheConsumer(TestKafka kafka) {
        kafka.sendBytes(Topics.BOOKING_EVENTS, "roundtrip:lead-9", new byte[] {1, 2, 3, 4});
        ConsumerRecord<String, byte[]> raw = kafka.awaitRawRecords(Topics.BOOKING_EVENTS,
                r -> "roundtrip:lead-9".equals(r.key()), 1, Duration.ofSeconds(30)).get(0);

        assertThatThrownBy(() -> new AvroDeserializer<>(BookingEvent.class).deserialize(raw.topic(), raw.value()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("followup.booking-events.v1")
                .hasMessageContaining("BookingEvent");
    }

    @Test
    void contractTopicsExistWithTheirPartitionsAndCompaction(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var described = admin.describeTopics(Topics.allNames()).allTopicNames().get();
            assertThat(described).hasSize(Topics.allNames().size());
            described.values().forEach(d -> assertThat(d.partitions()).as(d.name()).hasSize(Topics.DEFAULT_PARTITIONS));
            var configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.TENANT_SETTINGS),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.LEAD_EVENTS))).all().get();
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.TENANT_SETTINGS))
                    .get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.LEAD_EVENTS))
                    .get("cleanup.policy").value()).isEqualTo("delete");
        }
    }

    @Test
    void readAllSeesExactlyWhatWasCommitted(TestKafka kafka) {
        for (int i = 0; i < 3; i++) {
            kafka.send(Topics.RECEIPTS, "readall:lead-" + i, SampleRecords.receipt("readall", "lead-" + i, "t-" + i, AT));
        }
        assertThat(kafka.readAll(Topics.RECEIPTS, Receipt.class, r -> r.value().getTenantId().equals("readall")))
                .extracting(r -> r.value().getTaskId()).containsExactlyInAnyOrder("t-0", "t-1", "t-2");
    }
}
